//! Faultline's application API: one `App` that owns the replica, the manual library, the import
//! runner, the index rebuild and the background sync, with one method per user action (typed
//! argument structs, ts-rs types) and one typed `AppEvent`. The Tauri window, the CLI and
//! `faultline dev-serve` are thin front ends over it; `COMMANDS` is the one list they expose.

pub mod analytics;
mod analytics_cache;
mod app;
pub mod args;
mod assets;
pub mod bindings;
mod commands;
pub mod convert;
pub mod diagnosis;
pub mod events;
pub mod library_jobs;
mod manuals;
mod risk_cache;
mod shift;
mod sync;
mod work_orders;

pub use app::{App, AppOptions, SyncSettings, DEFAULT_SYNC_INTERVAL_SECS};
pub use assets::{ASSET_HISTORY_LIMIT, FIND_ASSETS_LIMIT};
pub use commands::{
    command_types, CommandKind, CommandSpec, CommandType, COMMANDS, SHELL_ONLY_COMMANDS,
};
pub use convert::ApiResult;
pub use events::{
    AppEvent, CollectingSink, DataChanged, DataKind, EventSink, IndexRebuild, ManualChanged,
    NoSink, APP_EVENT_CHANNEL,
};
pub use faultline_core::ErrorBody;
pub use manuals::SEARCH_MANUALS_LIMIT;
pub use shift::{FIND_WORK_ORDERS_LIMIT, HANDOVER_NOTES_HOURS, SHIFT_REPORT_HOURS};
pub use sync::REJECTED_CHANGES_LIMIT;
