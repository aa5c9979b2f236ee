//! Rate limiting per client address, and finding the client's address
//! behind trusted reverse proxies.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::HttpRequest;

/// A sliding window of report times per client address. IPv6 clients are
/// counted per /64 (one subscriber's usual allocation), so rotating
/// addresses within it does not escape the limit. The count is per API
/// node. Behind a proxy every client shares the proxy's address.
pub struct RateLimiter {
    per_window: usize,
    window: Duration,
    state: Mutex<Windows>,
}

struct Windows {
    seen: HashMap<IpAddr, VecDeque<Instant>>,
    last_sweep: Option<Instant>,
}

/// Addresses tracked at most; beyond it new addresses are refused until
/// the next sweep, so a flood of addresses cannot exhaust memory.
const MAX_TRACKED: usize = 100_000;

fn bucket(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => {
            let s = v6.segments();
            IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
        }
        v4 => v4,
    }
}

impl RateLimiter {
    pub fn new(per_window: usize, window: Duration) -> Self {
        Self {
            per_window,
            window,
            state: Mutex::new(Windows {
                seen: HashMap::new(),
                last_sweep: None,
            }),
        }
    }

    /// Counts one request from `ip`; the seconds to wait when over the limit.
    pub fn check(&self, ip: IpAddr, now: Instant) -> Result<(), u64> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let window = self.window;
        let expired = |times: &mut VecDeque<Instant>| {
            while times
                .front()
                .is_some_and(|t| now.duration_since(*t) >= window)
            {
                times.pop_front();
            }
        };
        // Forget idle addresses now and then, not on every request.
        let due = state
            .last_sweep
            .is_none_or(|t| now.duration_since(t) >= Duration::from_secs(60));
        if due || state.seen.len() >= MAX_TRACKED {
            state.seen.retain(|_, times| {
                expired(times);
                !times.is_empty()
            });
            state.last_sweep = Some(now);
        }
        let key = bucket(ip);
        if !state.seen.contains_key(&key) && state.seen.len() >= MAX_TRACKED {
            return Err(60);
        }
        let times = state.seen.entry(key).or_default();
        expired(times);
        if times.len() >= self.per_window {
            let oldest = *times.front().expect("full window is not empty");
            let wait = window.saturating_sub(now.duration_since(oldest));
            return Err(wait.as_secs().max(1));
        }
        times.push_back(now);
        Ok(())
    }
}

/// The client's address: the peer's, unless the peer is a trusted proxy,
/// in which case the nearest address in `X-Forwarded-For` that is not a
/// trusted proxy itself (addresses further left could be forged).
pub fn client_address(req: &HttpRequest, trusted: &[IpAddr]) -> Option<IpAddr> {
    let peer = req.peer_addr()?.ip();
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    let forwarded: Vec<IpAddr> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map_while(|a| a.trim().parse::<IpAddr>().ok())
        .collect();
    Some(
        forwarded
            .into_iter()
            .rev()
            .find(|a| !trusted.contains(a))
            .unwrap_or(peer),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_each_address_within_its_window() {
        let limiter = RateLimiter::new(2, Duration::from_secs(60));
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        let t0 = Instant::now();
        assert!(limiter.check(a, t0).is_ok());
        assert!(limiter.check(a, t0 + Duration::from_secs(1)).is_ok());
        assert_eq!(limiter.check(a, t0 + Duration::from_secs(10)), Err(50));
        assert!(limiter.check(b, t0 + Duration::from_secs(10)).is_ok());
        assert!(limiter.check(a, t0 + Duration::from_secs(61)).is_ok());
    }

    #[test]
    fn counts_ipv6_clients_per_64() {
        let limiter = RateLimiter::new(1, Duration::from_secs(60));
        let t0 = Instant::now();
        let one: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let same_64: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        let other_64: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert!(limiter.check(one, t0).is_ok());
        assert!(limiter.check(same_64, t0).is_err());
        assert!(limiter.check(other_64, t0).is_ok());
    }
}
