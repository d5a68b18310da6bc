// Package usageplan owns the API key and usage-plan step of the method
// request: it checks the key a method demands, throttles per key (the
// plan's token bucket, or a per-method override), counts quotas per DAY,
// WEEK or MONTH, and throttles a stage's methods for every caller alike
// (Stage.MethodSettings), answering with API Gateway's INVALID_API_KEY,
// THROTTLED and QUOTA_EXCEEDED gateway responses.
//
// It plugs into package pipeline as a GuardFactory, built once per compiled
// method. Its state lives behind two small interfaces, Limiter (token
// buckets) and Counter (quota and usage counters), whose keys name the
// plan, key, API and stage rather than the compiled pipeline, so limits
// carry over a redeploy, and which a shared backend (Redis: a script per
// bucket, INCR with EXPIRE per counter) can implement for several nodes.
//
// As in API Gateway, a plan's throttle and quota are per key and shared by
// every stage the plan covers; a per-method override ("/pets/GET") has a
// bucket of its own per stage. Quota periods are calendar periods in UTC
// (a DAY, a WEEK from Sunday, a MONTH from the 1st), and a quota's offset
// is, as in API Gateway, the number of requests taken off the limit in the
// initial period: the one in which the plan's quota came into effect.
// The in-memory Limiter and Counter live as long as the process. A
// DurableCounter counts in memory too, but writes the counts that changed
// to the store's usage/ records every flush interval and on shutdown, and
// loads them at start, so a restart keeps spent quotas and recorded usage
// (a crash loses at most one interval). Token buckets stay in memory.
//
// Keys and plans come from the store through a short cache (Keys), so a
// request does not read SQLite each time and a disabled or deleted key
// stops working within the cache's TTL. The only records the package
// writes are a DurableCounter's counts, never on a request's path, and it
// never logs or returns a key's value.
package usageplan
