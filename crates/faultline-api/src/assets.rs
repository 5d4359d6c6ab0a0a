//! Reading the plant: app info, asset type-ahead and scans, the asset page, the failure
//! catalogue and procedures.

use crate::app::App;
use crate::args::{AssetByTagArgs, AssetPageArgs, FindAssetsArgs, ProcedureArgs};
use crate::convert::{id, ApiResult};
use faultline_core::domain::{AppInfo, Asset, AssetPage, AssetSummary, FailureCatalog, Procedure};

/// `find_assets` answers this many when the UI names no limit.
pub const FIND_ASSETS_LIMIT: u32 = 30;
/// `asset_page` lists this many past work orders when the UI names no limit.
pub const ASSET_HISTORY_LIMIT: u32 = 100;

impl App {
    pub fn app_info(&self) -> ApiResult<AppInfo> {
        self.with_store(|s| s.app_info(&self.options.version))
    }

    /// Type-ahead: assets matching the query, an exact tag first.
    pub fn find_assets(&self, a: FindAssetsArgs) -> ApiResult<Vec<AssetSummary>> {
        let limit = a.limit.unwrap_or(FIND_ASSETS_LIMIT) as usize;
        self.with_store(|s| s.find_assets(&a.query, limit))
    }

    /// What a barcode scan resolves to: the asset with exactly this tag, or none.
    pub fn asset_by_tag(&self, a: AssetByTagArgs) -> ApiResult<Option<Asset>> {
        self.with_store(|s| s.asset_by_tag(&a.tag))
    }

    pub fn asset_page(&self, a: AssetPageArgs) -> ApiResult<AssetPage> {
        let asset = id(&a.asset_id, "asset")?;
        let limit = a.history_limit.unwrap_or(ASSET_HISTORY_LIMIT) as usize;
        self.with_store(|s| s.asset_page(asset, limit))
    }

    pub fn failure_catalog(&self) -> ApiResult<FailureCatalog> {
        self.with_store(|s| s.failure_catalog())
    }

    /// A procedure (job plan) with its steps, by its code.
    pub fn procedure(&self, a: ProcedureArgs) -> ApiResult<Procedure> {
        self.with_store(|s| s.procedure(&a.code))
    }
}
