//! The one list of commands front ends may call (`COMMANDS`), and `App::call` / `App::call_bytes`
//! that run one by name with its JSON arguments. The Tauri shell, dev-serve and the generated
//! TypeScript (`ui/src/lib/bindings/commands.ts`) all come from the list below.

use crate::app::App;
use crate::args::*;
use crate::convert::{invalid, ApiResult};
use faultline_core::domain::*;
use faultline_core::ErrorBody;
use faultline_manuals::index::SearchResults;
use faultline_manuals::library::ImportStarted;
use serde_json::Value;

use crate::analytics::{AnalyticsScopes, AnalyticsTrends};
use faultline_analytics::{oee_report::OeeReport, Metrics, Pareto, RiskRanking};

/// How a command answers: JSON, or raw bytes (a photo, a PDF).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CommandKind {
    Json,
    Bytes,
}

/// One command of the App.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct CommandSpec {
    pub name: &'static str,
    pub kind: CommandKind,
}

/// Commands only the window has (native dialogs, the first-screen signal); a browser gets a
/// clear error for them.
pub const SHELL_ONLY_COMMANDS: &[&str] = &["ui_ready", "pick_folder"];

/// A command's TypeScript signature, for the generated `commands.ts`.
#[derive(Debug)]
pub struct CommandType {
    pub name: &'static str,
    /// The argument type's TypeScript name (`void`: no arguments).
    pub args: String,
    pub result: String,
    /// Generated bindings the signature names.
    pub deps: Vec<ts_rs::Dependency>,
}

enum Output {
    Json(Value),
    Bytes(Vec<u8>),
}

/// Parses a command's arguments; `null`/absent is an empty object.
fn parse<T: serde::de::DeserializeOwned>(command: &str, args: Value) -> ApiResult<T> {
    let args = if args.is_null() {
        Value::Object(Default::default())
    } else {
        args
    };
    serde_json::from_value(args).map_err(|e| {
        invalid(format!(
            "the arguments of \"{command}\" are not usable: {e}"
        ))
    })
}

macro_rules! invoke {
    ($app:ident, $name:ident, $command:ident, $args:ident;) => {{
        let _ = $args;
        $app.$name()
    }};
    ($app:ident, $name:ident, $command:ident, $args:ident; $ty:ty) => {
        $app.$name(parse::<$ty>($command, $args)?)
    };
}

macro_rules! output {
    (Json, $command:ident, $value:expr) => {
        serde_json::to_value(&$value)
            .map(Output::Json)
            .map_err(|e| {
                invalid(format!(
                    "the answer of \"{}\" could not be encoded: {e}",
                    $command
                ))
            })
    };
    (Bytes, $command:ident, $value:expr) => {
        Ok(Output::Bytes($value))
    };
}

macro_rules! args_ts {
    ($cfg:ident;) => {
        "void".to_string()
    };
    ($cfg:ident; $ty:ty) => {
        <$ty as ts_rs::TS>::name($cfg)
    };
}

macro_rules! result_ts {
    (Json, $ty:ty, $cfg:ident) => {
        <$ty as ts_rs::TS>::name($cfg)
    };
    (Bytes, $ty:ty, $cfg:ident) => {
        "Uint8Array".to_string()
    };
}

/// The bindings a signature names: the type itself when it is exported, else (`Vec<T>`,
/// `Option<T>`) what it wraps.
fn deps_of<T: ts_rs::TS + 'static + ?Sized>(cfg: &ts_rs::Config) -> Vec<ts_rs::Dependency> {
    let mut found = Exported {
        cfg,
        deps: Vec::new(),
    };
    ts_rs::TypeVisitor::visit::<T>(&mut found);
    found.deps
}

/// Collects the exported types a signature names, looking inside `Vec<T>`, `Option<T>` and the
/// like (their own `dependencies` leave out the wrapped type itself).
struct Exported<'a> {
    cfg: &'a ts_rs::Config,
    deps: Vec<ts_rs::Dependency>,
}

impl ts_rs::TypeVisitor for Exported<'_> {
    fn visit<U: ts_rs::TS + 'static + ?Sized>(&mut self) {
        match ts_rs::Dependency::from_ty::<U>(self.cfg) {
            Some(own) => self.deps.push(own),
            None => U::visit_generics(self),
        }
    }
}

macro_rules! commands {
    ($( $kind:ident $name:ident ( $($args:ty)? ) -> $ret:ty ; )*) => {
        /// Every command front ends may call, in one list.
        pub const COMMANDS: &[CommandSpec] = &[
            $( CommandSpec { name: stringify!($name), kind: CommandKind::$kind }, )*
        ];

        fn run(app: &App, command: &str, args: Value) -> ApiResult<Output> {
            match command {
                $( stringify!($name) => {
                    let value = invoke!(app, $name, command, args; $($args)?)?;
                    output!($kind, command, value)
                } )*
                _ => Err(unknown(command)),
            }
        }

        /// The TypeScript signature of every command, in `COMMANDS` order.
        pub fn command_types(cfg: &ts_rs::Config) -> Vec<CommandType> {
            vec![ $( {
                let mut deps = Vec::new();
                $( deps.extend(deps_of::<$args>(cfg)); )?
                if CommandKind::$kind == CommandKind::Json {
                    deps.extend(deps_of::<$ret>(cfg));
                }
                CommandType {
                    name: stringify!($name),
                    args: args_ts!(cfg; $($args)?),
                    result: result_ts!($kind, $ret, cfg),
                    deps,
                }
            }, )* ]
        }
    };
}

commands! {
    Json app_info() -> AppInfo;
    Json find_assets(FindAssetsArgs) -> Vec<AssetSummary>;
    Json asset_by_tag(AssetByTagArgs) -> Option<Asset>;
    Json asset_page(AssetPageArgs) -> AssetPage;
    Json work_order(WorkOrderArgs) -> WorkOrder;
    Json log_breakdown(LogBreakdownArgs) -> WorkOrder;
    Json add_note(AddNoteArgs) -> WorkOrder;
    Json machine_stopped(MachineStoppedArgs) -> WorkOrder;
    Json back_in_service(BackInServiceArgs) -> WorkOrder;
    Json close_work_order(CloseWorkOrderArgs) -> WorkOrder;
    Json add_part(AddPartArgs) -> WorkOrder;
    Json add_photo(AddPhotoArgs) -> WorkOrder;
    Bytes photo(PhotoArgs) -> Vec<u8>;
    Json failure_catalog() -> FailureCatalog;
    Json procedure(ProcedureArgs) -> Procedure;
    Json shift_report(TimeRangeArgs) -> ShiftReport;
    Json correct_item(CorrectItemArgs) -> WorkOrder;
    Json add_handover_note(AddHandoverNoteArgs) -> HandoverNote;
    Json handover_notes(TimeRangeArgs) -> Vec<HandoverNote>;
    Json shift_calendar() -> ShiftCalendar;
    Json set_shift_calendar(SetShiftCalendarArgs) -> ShiftCalendar;
    Json shift_handover(ShiftHandoverArgs) -> ShiftHandover;
    Json start_screen() -> StartScreen;
    Json find_work_orders(FindWorkOrdersArgs) -> Vec<WorkOrderSummary>;
    Json save_export(SaveExportArgs) -> String;
    Json manuals_list() -> Vec<Manual>;
    Json manuals_add_files(ManualsAddFilesArgs) -> ImportStarted;
    Json manuals_add_bytes(ManualsAddBytesArgs) -> Manual;
    Json manuals_cancel() -> ();
    Json manual_link_model(ManualLinkModelArgs) -> Manual;
    Json manual_retry(ManualRetryArgs) -> Manual;
    Bytes manual_pdf(ManualArgs) -> Vec<u8>;
    Json search_manuals(SearchManualsArgs) -> SearchResults;
    Json sync_status() -> SyncStatus;
    Json sync_now() -> ();
    Json sync_enroll(SyncEnrollArgs) -> SyncStatus;
    Json sync_conflicts() -> Vec<SyncConflict>;
    Json resolve_conflict(ResolveConflictArgs) -> Vec<SyncConflict>;
    Json rejected_changes() -> Vec<RejectedChange>;
    Json analytics_scopes() -> AnalyticsScopes;
    Json analytics_metrics(AnalyticsArgs) -> Metrics;
    Json analytics_pareto(AnalyticsParetoArgs) -> Pareto;
    Json analytics_trends(AnalyticsTrendsArgs) -> AnalyticsTrends;
    Json analytics_risk(AnalyticsRiskArgs) -> RiskRanking;
    Json analytics_oee(AnalyticsOeeArgs) -> OeeReport;
    Json work_orders_behind(WorkOrdersBehindArgs) -> Vec<WorkOrderSummary>;
    Json set_production_counts(SetProductionCountsArgs) -> u32;
    Json diagnose(DiagnoseArgs) -> crate::diagnosis::DiagnoseResult;
    Json diagnosis_start(DiagnosisStartArgs) -> DiagnosisSession;
    Json diagnosis_answer(DiagnosisAnswerArgs) -> DiagnosisSession;
    Json diagnosis_back(DiagnosisBackArgs) -> DiagnosisSession;
    Json diagnosis_session(DiagnosisSessionArgs) -> Vec<DiagnosisSession>;
}

fn unknown(command: &str) -> ErrorBody {
    invalid(format!("\"{command}\" is not a command of this app"))
}

fn spec(command: &str) -> ApiResult<&'static CommandSpec> {
    COMMANDS
        .iter()
        .find(|c| c.name == command)
        .ok_or_else(|| unknown(command))
}

impl App {
    /// Runs the JSON command `command` with `args` (the object the UI sends).
    pub fn call(&self, command: &str, args: Value) -> ApiResult<Value> {
        if spec(command)?.kind != CommandKind::Json {
            return Err(invalid(format!(
                "\"{command}\" answers bytes: call it with call_bytes"
            )));
        }
        match run(self, command, args)? {
            Output::Json(v) => Ok(v),
            Output::Bytes(_) => Err(unknown(command)),
        }
    }

    /// Runs the byte command `command` (`photo`, `manual_pdf`) with `args`.
    pub fn call_bytes(&self, command: &str, args: Value) -> ApiResult<Vec<u8>> {
        if spec(command)?.kind != CommandKind::Bytes {
            return Err(invalid(format!(
                "\"{command}\" answers JSON: call it with call"
            )));
        }
        match run(self, command, args)? {
            Output::Bytes(b) => Ok(b),
            Output::Json(_) => Err(unknown(command)),
        }
    }
}
