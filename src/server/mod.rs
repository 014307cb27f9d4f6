//! The RESP server: accepts Redis clients and turns their commands into driver calls. (API stub.)

use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::driver::DriverHandle;

/// Client-facing settings (limits, password), filled from the command line.
#[derive(Clone, Debug, Default)]
pub struct Options {}

/// Serves clients on `listener` until `shutdown` is cancelled.
pub async fn run(
    listener: TcpListener,
    handle: DriverHandle,
    options: Options,
    shutdown: CancellationToken,
) {
    let _ = (listener, handle, options, shutdown);
    todo!()
}
