// Which adapter a PubSub gets when the app does not pass one: from the environment, so a
// deploy switches to Redis without a code change.
//   FAWKES_PUBSUB=redis    Redis at REDIS_URL (default redis://127.0.0.1:6379)
//   FAWKES_PUBSUB=cluster  the node:cluster IPC adapter (the endpoint's workers set this)
//   FAWKES_PUBSUB=local    this process only
//   unset                  Redis when REDIS_URL is set, else the IPC adapter in a Fawkes
//                          cluster worker, else this process only.

import { clusterPubSub } from "./cluster.js";
import type { PubSubAdapter } from "./pubsub.js";
import { redisPubSub } from "./redis.js";

/** Set in the environment of the workers the endpoint forks. */
export const CLUSTER_WORKER_ENV = "FAWKES_CLUSTER_WORKER";

const CHOICES = ["redis", "cluster", "local"];

export function adapterFromEnv(env: NodeJS.ProcessEnv = process.env): PubSubAdapter | null {
  const choice = env.FAWKES_PUBSUB?.trim().toLowerCase();
  if (choice === undefined || choice === "") {
    if (env.REDIS_URL) return redisPubSub({ url: env.REDIS_URL });
    return env[CLUSTER_WORKER_ENV] === "1" ? clusterPubSub() : null;
  }
  if (choice === "redis") return redisPubSub({ url: env.REDIS_URL });
  if (choice === "cluster") return clusterPubSub();
  if (choice === "local") return null;
  throw new TypeError(`FAWKES_PUBSUB must be one of ${CHOICES.join(", ")}, got ${JSON.stringify(env.FAWKES_PUBSUB)}`);
}
