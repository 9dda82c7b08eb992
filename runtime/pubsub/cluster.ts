// PubSub between node:cluster workers on one machine, over the cluster's IPC channels: the
// embedded default for "more than one core" (no Redis needed). A worker sends each broadcast
// to the primary once; the primary relays it to every other worker; each worker decodes it once
// and delivers it through the fastlane. Messages use the same wire as Redis (_wire.ts), with
// the worker's node id as origin.
//
// IPC messages are objects `{ fawkes: "pubsub", data: "<wire text>" }`. A message with a
// `fawkes` key that is not one of ours, or whose data does not decode, is logged (within a
// budget) and ignored; messages without the key are the app's own and left to it.

import type { Cluster, Worker } from "node:cluster";
import { printable } from "../_internal/values.js";
import type { AdapterContext, PubSubAdapter } from "./pubsub.js";
import { decodeMessage, encodeMessage, LogBudget, newNodeId } from "./_wire.js";

/** The IPC message kind this adapter sends and reads. */
export const CLUSTER_PUBSUB = "pubsub";

interface IpcMessage {
  fawkes?: unknown;
  data?: unknown;
}

/**
 * PubSub across the workers of a node:cluster (the endpoint uses it by itself under `workers`).
 * @example defineEndpoint({ router, sockets, pubsub: clusterPubSub() }) // in a worker
 */
export function clusterPubSub(): PubSubAdapter {
  return new ClusterPubSubAdapter();
}

export class ClusterPubSubAdapter implements PubSubAdapter {
  readonly nodeId = newNodeId();
  private deliver: ((topic: string, message: unknown) => void) | null = null;
  private budget: LogBudget | null = null;
  private closedLogged = false;
  private readonly onMessage = (m: unknown) => this.receive(m);

  start(deliver: (topic: string, message: unknown) => void, context: AdapterContext): void {
    if (typeof process.send !== "function") throw new Error("clusterPubSub: this process has no IPC channel (it is not a cluster worker); use the endpoint's `workers` option, or redisPubSub");
    this.deliver = deliver;
    this.budget = new LogBudget((m, e) => context.log(`cluster pubsub: ${m}`, e));
    process.on("message", this.onMessage);
  }

  publish(topic: string, message: unknown): void {
    if (this.deliver === null) return;
    const data = encodeMessage(this.nodeId, topic, message);
    try {
      if (process.connected) {
        process.send!({ fawkes: CLUSTER_PUBSUB, data }, undefined, undefined, (e) => e && this.channelClosed(e));
        return;
      }
    } catch (e) {
      return this.channelClosed(e);
    }
    this.channelClosed(new Error("IPC channel closed"));
  }

  stop(): void {
    this.deliver = null;
    process.off("message", this.onMessage);
  }

  private channelClosed(e: unknown): void {
    // The primary is gone (it is shutting down or died): once, not per broadcast.
    if (this.closedLogged) return;
    this.closedLogged = true;
    this.budget?.write("the IPC channel to the primary is closed; broadcasts reach this worker's sockets only", e);
  }

  private receive(raw: unknown): void {
    if (raw === null || typeof raw !== "object" || !("fawkes" in raw)) return;
    const m = raw as IpcMessage;
    if (m.fawkes !== CLUSTER_PUBSUB) {
      // The endpoint's own control messages (shutdown) are read elsewhere.
      if (m.fawkes === "shutdown") return;
      this.budget?.write(`ignoring an IPC message Fawkes did not write (kind ${printable(String(m.fawkes), 80)})`);
      return;
    }
    if (typeof m.data !== "string") return void this.budget?.write("ignoring an IPC pubsub message without text data");
    const decoded = decodeMessage(m.data);
    if (!decoded.ok) return void this.budget?.write(`ignoring an IPC pubsub message Fawkes did not write (${decoded.reason}): ${printable(m.data, 200)}`);
    if (decoded.origin === this.nodeId) return;
    this.deliver?.(decoded.topic, decoded.message);
  }
}

/**
 * In the primary: relays each worker's pubsub messages to every other worker. Returns the
 * function that stops relaying. The primary does not decode them (the workers do, once each).
 */
export function relayClusterPubSub(cluster: Cluster, log: (message: string) => void): () => void {
  const budget = new LogBudget(log);
  const onMessage = (from: Worker, raw: unknown) => {
    if (raw === null || typeof raw !== "object" || (raw as IpcMessage).fawkes !== CLUSTER_PUBSUB) return;
    const m = raw as IpcMessage;
    if (typeof m.data !== "string") return void budget.write(`cluster pubsub: ignoring a message from worker ${from.id} without text data`);
    for (const w of Object.values(cluster.workers ?? {})) {
      if (!w || w === from || !w.isConnected()) continue;
      try {
        w.send(m);
      } catch {
        // A worker that is exiting: its replacement gets the next broadcasts.
      }
    }
  };
  cluster.on("message", onMessage);
  return () => void cluster.off("message", onMessage);
}
