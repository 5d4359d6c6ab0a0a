//! Work order actions: read one, log a breakdown, notes, downtime, parts, photos, corrections,
//! close. Every write answers the work order as stored and emits `DataChanged { work_orders }`;
//! the Analytics screen's kept period re-reads just that work order (`analytics_cache`).

use crate::app::App;
use crate::args::*;
use crate::convert::{err, id, invalid, time, ApiResult};
use crate::events::DataKind;
use faultline_core::domain::{StopMachine, WorkOrder};
use faultline_core::{CoreError, Store};

const WO: &[DataKind] = &[DataKind::WorkOrders];

impl App {
    /// A write of one work order (the one `f` answers): emits `DataChanged { work_orders }`, and
    /// the kept analytics period follows it by re-reading that work order.
    fn write_work_order(
        &self,
        f: impl FnOnce(&mut Store) -> Result<WorkOrder, CoreError>,
    ) -> ApiResult<WorkOrder> {
        let mut store = self.shared.store()?;
        let before = store.analytics_change_stamp().map_err(err)?;
        let wo = f(&mut store).map_err(err)?;
        self.analytics
            .wrote_work_orders(&store, before, &[wo.summary.number.as_str()]);
        drop(store);
        self.shared.changed(WO);
        Ok(wo)
    }

    pub fn work_order(&self, a: WorkOrderArgs) -> ApiResult<WorkOrder> {
        let wo = id(&a.work_order_id, "work order")?;
        self.with_store(|s| s.work_order(wo))
    }

    pub fn log_breakdown(&self, a: LogBreakdownArgs) -> ApiResult<WorkOrder> {
        self.write_work_order(|s| s.log_breakdown(&a.input))
    }

    pub fn add_note(&self, a: AddNoteArgs) -> ApiResult<WorkOrder> {
        let wo = id(&a.work_order_id, "work order")?;
        self.write_work_order(|s| s.add_note(wo, &a.author, &a.text))
    }

    /// Downtime starts at `at` or now.
    pub fn machine_stopped(&self, a: MachineStoppedArgs) -> ApiResult<WorkOrder> {
        let input = StopMachine {
            work_order_id: id(&a.work_order_id, "work order")?,
            at: time(a.at.as_deref())?,
            confirm_old_stop: a.confirm_old_stop.unwrap_or(false),
        };
        self.write_work_order(|s| s.stop_machine(&input))
    }

    /// Downtime ends at `at` or now.
    pub fn back_in_service(&self, a: BackInServiceArgs) -> ApiResult<WorkOrder> {
        let wo = id(&a.work_order_id, "work order")?;
        let at = time(a.at.as_deref())?;
        self.write_work_order(|s| s.back_in_service(wo, at))
    }

    pub fn close_work_order(&self, a: CloseWorkOrderArgs) -> ApiResult<WorkOrder> {
        self.write_work_order(|s| s.close_work_order(&a.input))
    }

    pub fn add_part(&self, a: AddPartArgs) -> ApiResult<WorkOrder> {
        self.write_work_order(|s| s.add_part(&a.input))
    }

    pub fn add_photo(&self, a: AddPhotoArgs) -> ApiResult<WorkOrder> {
        use base64::Engine;
        let wo = id(&a.work_order_id, "work order")?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(a.data_base64.as_bytes())
            .map_err(|_| invalid("the photo could not be read: try taking it again".into()))?;
        self.write_work_order(|s| s.add_photo(wo, &bytes, &a.mime, a.caption.as_deref()))
    }

    /// The bytes of a photo (by its SHA-256) for the thumbnails and the viewer.
    pub fn photo(&self, a: PhotoArgs) -> ApiResult<Vec<u8>> {
        self.with_store(|s| s.blobs().and_then(|b| b.get(&a.sha256)))
    }

    /// Amends or voids a note, part or photo (append-only; the original stays in its history).
    pub fn correct_item(&self, a: CorrectItemArgs) -> ApiResult<WorkOrder> {
        self.write_work_order(|s| s.correct(&a.input))
    }
}
