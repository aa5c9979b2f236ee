//! Rate limiting per client address, and finding the client's address
//! behind trusted reverse proxies.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::HttpRequest;

/// A sliding window of request times per client address. IPv6 clients are
/// counted per /64 (one subscriber's usual allocation), so rotating
/// addresses within it does not escape the limit; IPv4 clients reaching a
/// dual-stack listener as `::ffff:a.b.c.d` count as the IPv4 address. The
/// count is per API node. Behind a proxy every client shares the proxy's
/// address unless the proxy is trusted (see [`client_address`]).
pub struct RateLimiter {
    per_window: usize,
    window: Duration,
    state: Mutex<Windows>,
}

#[derive(Default)]
struct Windows {
    /// Counted request times per address bucket, oldest first.
    seen: HashMap<IpAddr, VecDeque<Instant>>,
    /// Every counted request, oldest first: expiring and evicting from its
    /// front costs O(1) per request, never a sweep of the whole map.
    order: VecDeque<(Instant, IpAddr)>,
}

impl Windows {
    /// Forgets the oldest counted request.
    fn forget_oldest(&mut self) {
        let Some((_, key)) = self.order.pop_front() else {
            return;
        };
        if let Some(times) = self.seen.get_mut(&key) {
            // Each bucket's times were appended in global order, so the
            // oldest overall is the oldest of its bucket.
            times.pop_front();
            if times.is_empty() {
                self.seen.remove(&key);
            }
        }
    }
}

/// Requests remembered at most, across all addresses. Beyond it the
/// oldest is forgotten: memory stays bounded under a flood of addresses,
/// and a flood never locks other clients out (at worst it shortens
/// memories of the limit).
const MAX_TRACKED: usize = 100_000;

/// The bucket an address is counted in.
fn bucket(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
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
            state: Mutex::new(Windows::default()),
        }
    }

    /// Counts one request from `ip`; the seconds to wait when over the limit.
    pub fn check(&self, ip: IpAddr, now: Instant) -> Result<(), u64> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        while state
            .order
            .front()
            .is_some_and(|(t, _)| now.saturating_duration_since(*t) >= self.window)
        {
            state.forget_oldest();
        }
        let key = bucket(ip);
        if let Some(times) = state.seen.get(&key) {
            if times.len() >= self.per_window {
                let oldest = *times.front().expect("a full window is not empty");
                let wait = self
                    .window
                    .saturating_sub(now.saturating_duration_since(oldest));
                return Err(wait.as_secs().max(1));
            }
        }
        if state.order.len() >= MAX_TRACKED {
            state.forget_oldest();
        }
        state.seen.entry(key).or_default().push_back(now);
        state.order.push_back((now, key));
        Ok(())
    }
}

/// One `X-Forwarded-For` entry as an address: `1.2.3.4`, `1.2.3.4:5678`,
/// `2001:db8::1`, `[2001:db8::1]` or `[2001:db8::1]:443`; `None` for
/// anything else (`unknown`, obfuscated identifiers).
fn forwarded_address(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    if let Ok(ip) = entry.parse::<IpAddr>() {
        return Some(ip.to_canonical());
    }
    if let Some(rest) = entry.strip_prefix('[') {
        let (inside, _) = rest.split_once(']')?;
        return inside.parse::<IpAddr>().ok().map(|ip| ip.to_canonical());
    }
    let (host, port) = entry.rsplit_once(':')?;
    port.parse::<u16>().ok()?;
    host.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4)
}

/// The client's address: the peer's, unless the peer is a trusted proxy,
/// in which case the nearest `X-Forwarded-For` entry that is not a trusted
/// proxy itself, reading from the right (entries further left could be
/// forged by the client). An entry there that names no address (e.g.
/// `unknown`) leaves the client unknown, and the nearest proxy is counted.
pub fn client_address(req: &HttpRequest, trusted: &[IpAddr]) -> Option<IpAddr> {
    let peer = req.peer_addr()?.ip().to_canonical();
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    let entries: Vec<&str> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .collect();
    let mut nearest = peer;
    for entry in entries.iter().rev() {
        match forwarded_address(entry) {
            Some(ip) if trusted.contains(&ip) => nearest = ip,
            Some(ip) => return Some(ip),
            None => return Some(nearest),
        }
    }
    Some(nearest)
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
    fn counts_ipv6_clients_per_64_and_mapped_ipv4_as_ipv4() {
        let limiter = RateLimiter::new(1, Duration::from_secs(60));
        let t0 = Instant::now();
        let one: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let same_64: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        let other_64: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert!(limiter.check(one, t0).is_ok());
        assert!(limiter.check(same_64, t0).is_err());
        assert!(limiter.check(other_64, t0).is_ok());
        let v4: IpAddr = "192.0.2.7".parse().unwrap();
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        let other_mapped: IpAddr = "::ffff:192.0.2.8".parse().unwrap();
        assert!(limiter.check(mapped, t0).is_ok());
        assert!(limiter.check(v4, t0).is_err(), "the same IPv4 client");
        assert!(limiter.check(other_mapped, t0).is_ok(), "not one bucket");
    }

    #[test]
    fn a_flood_of_addresses_never_locks_others_out() {
        let limiter = RateLimiter::new(1, Duration::from_secs(3600));
        let t0 = Instant::now();
        for i in 0..(MAX_TRACKED as u32 + 10) {
            let ip = IpAddr::V6(std::net::Ipv6Addr::new(
                0x2001,
                0xdb8,
                (i >> 16) as u16,
                i as u16,
                0,
                0,
                0,
                1,
            ));
            assert!(limiter.check(ip, t0).is_ok());
        }
        let newcomer: IpAddr = "198.51.100.1".parse().unwrap();
        assert!(limiter.check(newcomer, t0).is_ok());
        let state = limiter.state.lock().unwrap();
        assert!(state.order.len() <= MAX_TRACKED);
        assert!(state.seen.len() <= MAX_TRACKED);
    }

    #[test]
    fn reads_forwarded_entries_in_their_usual_forms() {
        let v4: IpAddr = "203.0.113.9".parse().unwrap();
        let v6: IpAddr = "2001:db8::1".parse().unwrap();
        assert_eq!(forwarded_address(" 203.0.113.9 "), Some(v4));
        assert_eq!(forwarded_address("203.0.113.9:5678"), Some(v4));
        assert_eq!(forwarded_address("[2001:db8::1]"), Some(v6));
        assert_eq!(forwarded_address("[2001:db8::1]:443"), Some(v6));
        assert_eq!(forwarded_address("2001:db8::1"), Some(v6));
        assert_eq!(forwarded_address("::ffff:203.0.113.9"), Some(v4));
        assert_eq!(forwarded_address("unknown"), None);
        assert_eq!(forwarded_address("_hidden"), None);
    }
}
