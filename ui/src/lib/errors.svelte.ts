// The error banner's state: the last failed command's message, shown until dismissed, replaced by
// a newer error, or cleared when the person starts another action or changes screen.
import { toApiError, type ApiError } from "./api";

export const errors = $state<{ current: ApiError | null }>({ current: null });

/** Shows any failure (an ApiError or anything thrown) in the banner and returns it. */
export function showError(reason: unknown): ApiError {
  const error = toApiError(reason);
  errors.current = error;
  return error;
}

export function clearError(): void {
  errors.current = null;
}
