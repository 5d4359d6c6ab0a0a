// The Diagnose screen's commands (crates/faultline-api/src/diagnosis.rs): causes, similar work
// orders, manual pages and the guide for an asset; a diagnosis session started, answered, taken
// back a step, and read (one, or every session on a work order).
import { call } from "./api";
import type { DiagnoseResult } from "./bindings/DiagnoseResult";
import type { DiagnosisSession } from "./bindings/DiagnosisSession";
import type { GuideAnswer } from "./bindings/GuideAnswer";

/** `codes` absent: the asset's alarms of the last 48 hours are the codes. */
export function diagnose(assetId: string, codes?: string[], symptom?: string): Promise<DiagnoseResult> {
  return call("diagnose", { asset_id: assetId, codes, symptom: symptom?.trim() || undefined });
}

export function diagnosisStart(args: {
  workOrderId: string | null;
  assetId: string;
  codes: string[];
  symptom: string;
  by: string;
}): Promise<DiagnosisSession> {
  return call("diagnosis_start", {
    work_order_id: args.workOrderId ?? undefined,
    asset_id: args.workOrderId === null ? args.assetId : undefined,
    codes: args.codes,
    symptom: args.symptom.trim() || undefined,
    by: args.by,
  });
}

export function diagnosisAnswer(session: DiagnosisSession, answer: GuideAnswer, by: string): Promise<DiagnosisSession> {
  return call("diagnosis_answer", { session_id: session.id, step_id: session.current_step, answer, by });
}

export function diagnosisBack(session: DiagnosisSession, by: string): Promise<DiagnosisSession> {
  return call("diagnosis_back", { session_id: session.id, by });
}

export function diagnosisSessions(workOrderId: string): Promise<DiagnosisSession[]> {
  return call("diagnosis_session", { work_order_id: workOrderId });
}

export function diagnosisSessionById(sessionId: string): Promise<DiagnosisSession[]> {
  return call("diagnosis_session", { session_id: sessionId });
}
