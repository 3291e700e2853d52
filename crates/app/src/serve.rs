use std::{
    io,
    net::{SocketAddr, TcpListener},
    path::Path,
    time::Duration,
};

use anyhow::{Context, bail};
use auth::{AuthError, BcryptHasher, JwtTokenService};
use domain::ThrottlePolicy;
use infra::{Database, PoolSettings, ReadRouter};
use secrecy::ExposeSecret;

use crate::{
    config::{self, Config, ConfigError},
    database::{DatabaseTarget, DatabaseUrl},
    metrics, wiring,
};

/// A drain longer than this is a typo, not a balancer's detection time.
const MAX_SHUTDOWN_DRAIN_SECONDS: u64 = 300;

/// Each pooled connection has a thread of its own, started with the pool
/// (`agora_blocking::Workers`), for the primary and each replica. Past a
/// thousand a pool is a typo: PostgreSQL serves 100 connections by default,
/// and tens of thousands of threads abort the process as it starts.
const MAX_DATABASE_POOL_SIZE: u32 = 1_000;

/// An event loop serves thousands of connections; past this many, one a
/// thread, the setting is a typo.
const MAX_HTTP_WORKERS: u16 = 256;

/// A request waiting longer than this for a connection is a typo. Far
/// larger, libpq refused the value as its connect timeout, in a message
/// that named no setting.
const MAX_DATABASE_TIMEOUT_SECONDS: u64 = 3_600;

/// How long a stopping server waits for statements nobody waits for.
const STATEMENTS_GRACE: Duration = Duration::from_secs(10);

/// What serving needs, each part built by its own constructor from the settings.
pub(crate) struct Parts {
    pub database: Option<DatabaseUrl>,
    pub pool_size: u32,
    pub database_timeout: Duration,
    pub replicas: Vec<DatabaseUrl>,
    pub replica_max_lag: Duration,
    /// Where `/metrics` is served instead of the public address.
    pub metrics_addr: Option<SocketAddr>,
    pub hasher: BcryptHasher,
    pub tokens: JwtTokenService,
    pub http: api::HttpSettings,
}

/// Builds every part, collecting every problem, before anything starts.
pub(crate) fn parts(config: &mut Config) -> Result<Parts, ConfigError> {
    let database = config.database();
    let replicas = config.replica_databases();
    let secret = config.jwt_secret();
    let s = &config.settings;
    let hasher = BcryptHasher::new(s.bcrypt_cost);
    let lifetime = Duration::from_secs(s.jwt_expire_minutes.saturating_mul(60));
    let refresh = Duration::from_secs(s.refresh_expire_days.get().saturating_mul(86_400));
    let issuer = s.jwt_issuer.clone();
    let tokens =
        secret.map(|secret| JwtTokenService::new(secret.expose_secret().as_bytes(), lifetime));
    let origins: Vec<_> = config::list(&s.cors_allowed_origins)
        .map(api::normalise_origin)
        .collect();
    let proxies: Vec<_> = config::list(&s.trusted_proxies)
        .map(api::parse_trusted_proxy)
        .collect();
    let body_timeout = Duration::from_secs(s.body_timeout_seconds.get());
    let pool_size = at_most(s.database_pool_size.get(), MAX_DATABASE_POOL_SIZE, || {
        format!("expected 1 to {MAX_DATABASE_POOL_SIZE} connections, like 16")
    });
    let database_timeout = at_most(
        s.database_timeout_seconds.get(),
        MAX_DATABASE_TIMEOUT_SECONDS,
        || format!("expected whole seconds from 1 to {MAX_DATABASE_TIMEOUT_SECONDS}, like 5"),
    )
    .map(Duration::from_secs);
    let shutdown_drain = at_most(s.shutdown_drain_seconds, MAX_SHUTDOWN_DRAIN_SECONDS, || {
        format!("expected whole seconds from 0 to {MAX_SHUTDOWN_DRAIN_SECONDS}, like 2")
    })
    .map(Duration::from_secs);
    let http_workers = s
        .http_workers
        .map(|workers| {
            at_most(workers.get(), MAX_HTTP_WORKERS, || {
                format!("expected 1 to {MAX_HTTP_WORKERS} event loops, like 1; unset, one per core")
            })
        })
        .transpose();
    let listen = (s.host.clone(), s.port);
    let replica_max_lag = Duration::try_from_secs_f64(s.replica_max_lag)
        .ok()
        .filter(|lag| !lag.is_zero())
        .ok_or("expected a number of seconds above 0, like 2 or 0.5");

    let hasher = config.check("BCRYPT_COST", hasher);
    let tokens = match tokens {
        Some(Err(error @ AuthError::LifetimeTooShort)) => {
            config.check("JWT_EXPIRE_MINUTES", Err(error))
        }
        Some(tokens) => config.check("JWT_SECRET", tokens),
        None => None,
    };
    let tokens = tokens.and_then(|tokens| config.check("JWT_ISSUER", tokens.with_issuer(&issuer)));
    let cors_allowed_origins = origins
        .into_iter()
        .filter_map(|o| config.check("CORS_ALLOWED_ORIGINS", o))
        .collect();
    let trusted_proxies = proxies
        .into_iter()
        .filter_map(|p| config.check("TRUSTED_PROXIES", p))
        .collect();
    let replica_max_lag = config.check("REPLICA_MAX_LAG", replica_max_lag);
    let shutdown_drain = config.check("SHUTDOWN_DRAIN_SECONDS", shutdown_drain);
    let http_workers = config.check("HTTP_WORKERS", http_workers);
    let pool_size = config.check("DATABASE_POOL_SIZE", pool_size);
    let database_timeout = config.check("DATABASE_TIMEOUT_SECONDS", database_timeout);
    let metrics_addr = match config.settings.metrics_addr.as_deref().map(str::parse) {
        Some(Err(_)) => {
            config.problem(
                "METRICS_ADDR",
                "expected an IP address and port to serve /metrics on, like 127.0.0.1:9100",
            );
            None
        }
        parsed => parsed.and_then(Result::ok),
    };
    if std::net::ToSocketAddrs::to_socket_addrs(&listen).is_err() {
        config.problem(
            "HOST",
            "expected an IP address or host name to listen on, like 127.0.0.1 or 0.0.0.0",
        );
    }
    config.finish()?;
    let (
        Some(hasher),
        Some(tokens),
        Some(replica_max_lag),
        Some(shutdown_drain),
        Some(pool_size),
        Some(database_timeout),
        Some(http_workers),
    ) = (
        hasher,
        tokens,
        replica_max_lag,
        shutdown_drain,
        pool_size,
        database_timeout,
        http_workers,
    )
    else {
        unreachable!("a part that failed recorded a problem")
    };
    let http_defaults = api::HttpSettings::default();
    Ok(Parts {
        database,
        pool_size,
        database_timeout,
        replicas,
        replica_max_lag,
        metrics_addr,
        hasher,
        tokens: tokens.with_refresh_lifetime(refresh),
        http: api::HttpSettings {
            cors_allowed_origins,
            body_timeout,
            shutdown_drain,
            trusted_proxies,
            workers: http_workers.map_or(http_defaults.workers, usize::from),
            ..http_defaults
        },
    })
}

/// `value` when it is at most `max`; otherwise the problem, as `expected` words it.
fn at_most<T: PartialOrd>(
    value: T,
    max: T,
    expected: impl FnOnce() -> String,
) -> Result<T, String> {
    if value <= max {
        Ok(value)
    } else {
        Err(expected())
    }
}

/// Starts (or finds) the database, checks its schema, and serves until
/// SIGINT/SIGTERM; in-flight requests finish before the local database stops.
pub fn run(mut config: Config, project_dir: &Path) -> anyhow::Result<()> {
    let parts = parts(&mut config)?;
    if config.settings.jwt_secret.is_none() {
        tracing::warn!(
            "JWT_SECRET is not set: using a random one for this run (development profile), so tokens will not survive a restart"
        );
    }
    let settings = &config.settings;
    let target = DatabaseTarget::resolve(parts.database, project_dir)?;
    target.ensure_schema_current()?;
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
    let pool_size = parts.pool_size;
    let timeout = parts.database_timeout;
    let pool = PoolSettings {
        prepared_statements: settings.database_prepared_statements,
        ..PoolSettings::new(pool_size, timeout)
    };
    let database = Database::connect(&target.url(), pool).with_context(|| target.blame())?;
    // A replica down at start is no reason not to serve: its pool connects
    // once it answers, and the health checks send reads to it then.
    let replicas = parts
        .replicas
        .iter()
        .map(|url| {
            Database::connect_later(url.expose(), pool)
                .with_context(|| format!("the read replica {} in {}", url.describe(), url.origin))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let primary = database.clone();
    let reads = ReadRouter::new(database, replicas, parts.replica_max_lag);
    let metrics_listener = parts
        .metrics_addr
        .map(|addr| {
            TcpListener::bind(addr)
                .with_context(|| format!("cannot listen on {addr} (METRICS_ADDR)"))
        })
        .transpose()?;
    let profile = config.profile();
    tracing::info!(?profile, "serving on http://{}", listener.local_addr()?);

    let metrics = metrics::install(&reads)?;
    let http = api::HttpSettings {
        max_connections: connection_budget(pool_size),
        metrics: metrics_listener.is_none().then(|| metrics.clone()),
        ..parts.http
    };
    let (hasher, tokens) = (parts.hasher, parts.tokens);
    runtime.block_on(async move {
        if reads.has_replicas() {
            reads.spawn_health_checks();
        }
        let metrics_server = match metrics_listener {
            Some(listener) => {
                tracing::info!("serving /metrics on http://{}", listener.local_addr()?);
                Some(api::metrics_server(listener, metrics)?)
            }
            None => None,
        };
        let metrics_handle = metrics_server.as_ref().map(|server| server.handle());
        if let Some(server) = metrics_server {
            tokio::spawn(server);
        }
        let services = wiring::services(reads, hasher, tokens, ThrottlePolicy::default());
        api::server(listener, services, http, shutdown)?.await?;
        if let Some(handle) = metrics_handle {
            handle.stop(false).await;
        }
        io::Result::Ok(())
    })?;
    // A request whose client left does not wait for its statement, which
    // runs on: let such writes end before the process, and in development
    // its PostgreSQL, stops. (tokio's pool, before, waited without limit.)
    if !primary.wait_idle(STATEMENTS_GRACE) {
        tracing::warn!("stopping with database work still running after {STATEMENTS_GRACE:?}");
    }
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
