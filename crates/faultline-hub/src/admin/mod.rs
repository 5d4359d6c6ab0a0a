//! Admin commands behind `faultline-hub site|device|load|load-manual|purge|compact|storage`: they work
//! on the PostgreSQL store directly (not through the HTTP API).

mod devices;
mod guides;
mod load;
mod load_copy;
mod load_rows;
mod load_sink;
mod manuals;
mod retention;
mod sites;
mod storage;

pub use devices::{enroll_device, list_devices, revoke_device, DeviceInfo, Enrollment};
pub use guides::{load_guides, purge_guide};
pub use load::{load_csv, load_mapped, Columns, LoadReport};
pub use manuals::load_manual;
pub use retention::{compact, purge_procedure, purge_work_order, CompactReport};
pub use sites::{add_site, site_name, valid_site_code};
pub use storage::{
    housekeeping, set_site_budget, site_storage, warn_over_budget, SiteStorage, DEFAULT_SITE_BUDGET,
};
