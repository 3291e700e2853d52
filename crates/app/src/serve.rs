use std::{io, net::TcpListener, path::Path};

use anyhow::{Context, bail};
use auth::{BcryptHasher, JwtTokenService};
use domain::ThrottlePolicy;
use infra::{Database, PoolSettings};

use crate::{config::Settings, database::DatabaseTarget, metrics, wiring};

/// Starts (or finds) the database, checks its schema, and serves until
/// SIGINT/SIGTERM; in-flight requests finish before the local database stops.
pub fn run(settings: Settings, project_dir: &Path) -> anyhow::Result<()> {
    let target = DatabaseTarget::resolve(&settings, project_dir)?;
    target.ensure_schema_current()?;
    let secret = jwt_secret(&settings, target.is_local())?;
    let tokens = JwtTokenService::new(secret.as_bytes(), settings.jwt.expire)?
        .with_issuer(&settings.jwt.issuer)
        .with_refresh_lifetime(settings.jwt.refresh_expire);
    let hasher = BcryptHasher::new(settings.bcrypt_cost)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    // Signal handlers go in before the port opens: a client that can connect
    // can also stop the server gracefully, never by the default kill.
    let shutdown = {
        let _runtime = runtime.enter();
        shutdown_signal().context("listening for SIGINT and SIGTERM")?
    };
    let listener = bind(&settings.host, settings.port)?;
    // The pool last: its threads start connecting at once, and a process
    // that exits while libpq is mid-connect can trip an assertion in the
    // Kerberos library libpq loads, a second, confusing line of output.
    let database = Database::connect(
        &target.url(),
        PoolSettings {
            prepared_statements: settings.database.prepared_statements,
            ..PoolSettings::new(settings.database.pool_size, settings.database.timeout)
        },
    )?;
    tracing::info!("serving on http://{}", listener.local_addr()?);

    let http = api::HttpSettings {
        cors_allowed_origins: settings.cors_allowed_origins.clone(),
        body_timeout: settings.body_timeout,
        max_connections: connection_budget(settings.database.pool_size),
        trusted_proxies: settings.trusted_proxies.clone(),
        metrics: Some(metrics::install(&database)?),
        ..api::HttpSettings::default()
    };
    runtime.block_on(async move {
        let services = wiring::services(database, hasher, tokens, ThrottlePolicy::default());
        api::server(listener, services, http, shutdown)?.await
    })?;
    tracing::info!("stopped serving");
    drop(target);
    Ok(())
}

/// Descriptors kept back from clients: the database pool, the listener, logs,
/// the runtime's own, and the odd file.
const RESERVED_DESCRIPTORS: u64 = 128;

/// Raises the soft limit on open files to the hard one (the default soft
/// limit, often 1,024, is what a flood of idle clients exhausts), and returns
/// how many client connections fit under it with room to spare, so a flood
/// is refused at accept instead of failing every open afterwards.
fn connection_budget(pool_size: u32) -> usize {
    let limit = match rlimit::increase_nofile_limit(u64::MAX) {
        Ok(limit) => limit,
        Err(error) => {
            tracing::warn!(%error, "could not raise the open file limit");
            rlimit::getrlimit(rlimit::Resource::NOFILE).map_or(1024, |(soft, _)| soft)
        }
    };
    let budget = limit.saturating_sub(RESERVED_DESCRIPTORS + u64::from(pool_size));
    let budget = usize::try_from(budget)
        .unwrap_or(usize::MAX)
        .clamp(64, 100_000);
    tracing::info!(
        open_file_limit = limit,
        max_connections = budget,
        "connection budget"
    );
    budget
}

fn bind(host: &str, port: u16) -> anyhow::Result<TcpListener> {
    TcpListener::bind((host, port)).or_else(|error| match error.kind() {
        io::ErrorKind::AddrInUse => {
            bail!("port {port} on {host} is already in use: stop the process using it or set PORT to a free port")
        }
        _ => Err(error).with_context(|| format!("cannot listen on {host}:{port} (check HOST and PORT)")),
    })
}

/// The configured secret, or, for the throwaway local database only, a fresh
/// random one: tokens then die with the process, which is fine for development.
fn jwt_secret(settings: &Settings, local_database: bool) -> anyhow::Result<String> {
    if let Some(secret) = &settings.jwt.secret {
        return Ok(secret.expose().to_owned());
    }
    if !local_database {
        bail!(
            "JWT_SECRET is required when DATABASE_URL is set: set it to a random string of at least 32 bytes (e.g. `openssl rand -hex 32`)"
        );
    }
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| anyhow::anyhow!("no randomness for a JWT secret: {e}"))?;
    tracing::warn!(
        "JWT_SECRET is not set: using a random one for this run, so tokens will not survive a restart"
    );
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Registers for SIGINT (Ctrl-C) and SIGTERM now; the future resolves on
/// the first of them. Needs to run inside the runtime.
fn shutdown_signal() -> io::Result<impl Future<Output = ()> + Send + 'static> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(async move {
        let name = tokio::select! {
            _ = interrupt.recv() => "SIGINT",
            _ = terminate.recv() => "SIGTERM",
        };
        tracing::info!("{name} received: finishing in-flight requests, then stopping");
    })
}
