//! Times one password check through Agora's own hasher, for `just bench`:
//! `bcrypt_verify HASH PASSWORD N` prints the median milliseconds of N
//! sequential verifies (one core busy, as one login is).

use std::time::Instant;

use agora_auth::BcryptHasher;
use domain::{PasswordHash, PasswordHasher};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: bcrypt_verify HASH PASSWORD N";
    let hash = PasswordHash::new(args.next().ok_or(usage)?);
    let password = args.next().ok_or(usage)?;
    let rounds: usize = args.next().ok_or(usage)?.parse()?;
    // The hasher's own cost only matters for hashing; verifying reads the
    // cost from the stored hash.
    let hasher = BcryptHasher::new(BcryptHasher::MIN_COST)?;
    let mut millis = Vec::with_capacity(rounds);
    for _ in 0..rounds.max(1) {
        let started = Instant::now();
        let matches = hasher.verify(&password, &hash).await?;
        millis.push(started.elapsed().as_secs_f64() * 1000.0);
        if !matches {
            return Err("the password does not match the hash".into());
        }
    }
    millis.sort_by(f64::total_cmp);
    println!("{:.1}", millis[millis.len() / 2]);
    Ok(())
}
