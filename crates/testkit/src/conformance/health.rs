//! [`domain::HealthCheck`].

use super::Adapters;

/// A reachable store answers Ok.
pub async fn the_health_check_answers(adapters: Adapters) {
    adapters.health.check().await.unwrap();
}
