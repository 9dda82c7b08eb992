// Serializers, vsn negotiation, check_origin and PubSub's fastlane, without a network.

import { describe, expect, it } from "vitest";
import { negotiate, V1, V2, FrameError } from "../runtime/channels/serializer.js";
import { originAllowed } from "../runtime/channels/origin.js";
import { PubSub, type Subscriber } from "../runtime/pubsub/pubsub.js";
import { Broadcast } from "../runtime/pubsub/broadcast.js";
import { defineChannel, defineSocket, ok } from "fawkes";

describe("serializers", () => {
  it("negotiates ~> 1.0.0 and ~> 2.0.0; no vsn is 1.0.0; anything else is refused", () => {
    expect(negotiate("2.0.0")).toBe(V2);
    expect(negotiate("2.0.9")).toBe(V2);
    expect(negotiate("1.0.0")).toBe(V1);
    expect(negotiate(undefined)).toBe(V1);
    expect(negotiate("2.1.0")).toBeNull();
    expect(negotiate("3.0.0")).toBeNull();
    expect(negotiate("2.0")).toBeNull();
  });

  it("V2 ignores extra array elements and rejects short or mistyped frames", () => {
    expect(V2.decode('["1","2","t","e",{"a":1},"extra"]', false)).toEqual({ joinRef: "1", ref: "2", topic: "t", event: "e", payload: { a: 1 } });
    expect(() => V2.decode('["1","2","t","e"]', false)).toThrow(FrameError);
    expect(() => V2.decode('["1",2,"t","e",{}]', false)).toThrow(/wrong types/);
    expect(() => V2.decode("nope", false)).toThrow(/not JSON/);
  });

  it("V2 encodes pushes, replies and broadcasts as Phoenix lays them out", () => {
    expect(V2.encode({ joinRef: "1", ref: null, topic: "t", event: "e", payload: { x: 1 } })).toBe('["1",null,"t","e",{"x":1}]');
    expect(V2.fastlane(new Broadcast("t", "e", { y: 2 }))).toBe('[null,null,"t","e",{"y":2}]');
    const push = V2.encode({ joinRef: "12", ref: null, topic: "t", event: "ev", payload: new Uint8Array([5]) }) as Buffer;
    expect([...push]).toEqual([0, 2, 1, 2, ...Buffer.from("12tev"), 5]);
  });

  it("binary fields longer than 255 bytes are an error, not a corrupt frame", () => {
    expect(() => V2.fastlane(new Broadcast("t".repeat(256), "e", new Uint8Array([1])))).toThrow(/at most 255 bytes/);
  });

  it("V1 reads and writes objects, and refuses binary", () => {
    expect(V1.decode('{"topic":"t","event":"e","payload":{},"ref":"3"}', false)).toEqual({ joinRef: null, ref: "3", topic: "t", event: "e", payload: {} });
    expect(() => V1.decode("[]", false)).toThrow(FrameError);
    expect(() => V1.decode(Buffer.from([0]), true)).toThrow(/text frames only/);
    expect(() => V1.fastlane(new Broadcast("t", "e", new Uint8Array([1])))).toThrow(/binary/);
  });
});

describe("checkOrigin", () => {
  const allowed = (check: Parameters<typeof originAllowed>[0], origin: string | undefined, requestHost = "app.test:4000") =>
    originAllowed(check, origin, "example.com", requestHost, "http");

  it("passes requests without an Origin header and everything when off", () => {
    expect(allowed(true, undefined)).toBe(true);
    expect(allowed(false, "http://evil.test")).toBe(true);
  });

  it("true compares the host with the endpoint url host", () => {
    expect(allowed(true, "https://example.com:8443")).toBe(true);
    expect(allowed(true, "https://sub.example.com")).toBe(false);
  });

  it("patterns: //host, scheme, port and *. wildcards", () => {
    const list = ["//a.test", "https://*.b.test", "http://c.test:8080"];
    expect(allowed(list, "http://a.test")).toBe(true);
    expect(allowed(list, "https://a.test:9")).toBe(true);
    expect(allowed(list, "https://x.b.test")).toBe(true);
    expect(allowed(list, "https://b.test")).toBe(true);
    expect(allowed(list, "http://x.b.test")).toBe(false);
    expect(allowed(list, "http://c.test:8080")).toBe(true);
    expect(allowed(list, "http://c.test")).toBe(false);
    expect(allowed(list, "http://evil.test")).toBe(false);
    expect(allowed(list, "not a url")).toBe(false);
  });

  it('"conn" allows the request\'s own scheme, host and port', () => {
    expect(allowed("conn", "http://app.test:4000")).toBe(true);
    expect(allowed("conn", "http://app.test:4001")).toBe(false);
    expect(allowed("conn", "https://app.test:4000")).toBe(false);
  });
});

describe("PubSub", () => {
  function collector(): Subscriber & { got: unknown[] } {
    const got: unknown[] = [];
    return { got, deliver: (_t, m, frames) => got.push(m instanceof Broadcast ? frames.frameFor(V2) : m) };
  }

  it("encodes a broadcast once per serializer for every subscriber", () => {
    const pubsub = new PubSub();
    const a = collector();
    const b = collector();
    pubsub.subscribe("t", a);
    pubsub.subscribe("t", b);
    pubsub.broadcast("t", new Broadcast("t", "e", { n: 1 }));
    expect(a.got).toEqual(['[null,null,"t","e",{"n":1}]']);
    // The very same string object: encoded once.
    expect(a.got[0]).toBe(b.got[0]);
  });

  it("skips the sender for broadcast_from, survives a failing subscriber, forgets empty topics", () => {
    const logs: string[] = [];
    const pubsub = new PubSub({ logger: (m) => logs.push(m) });
    const a = collector();
    const b = collector();
    pubsub.subscribe("t", { deliver: () => { throw new Error("boom"); } });
    pubsub.subscribe("t", a);
    pubsub.subscribe("t", b);
    pubsub.broadcast("t", "hello", a);
    expect(a.got).toEqual([]);
    expect(b.got).toEqual(["hello"]);
    expect(logs).toEqual(["a subscriber of t failed"]);
    pubsub.unsubscribe("t", a);
    pubsub.unsubscribe("t", b);
    expect(pubsub.subscriberCount("t")).toBe(1);
  });

  it("hands published messages to the adapter and delivers what the adapter brings in", async () => {
    const published: [string, unknown][] = [];
    let inbound: ((topic: string, message: unknown) => void) | null = null;
    const pubsub = new PubSub({
      adapter: { start: (deliver) => void (inbound = deliver), publish: (t, m) => void published.push([t, m]), stop: () => undefined },
    });
    await pubsub.start();
    const a = collector();
    pubsub.subscribe("t", a);
    pubsub.broadcast("t", "local");
    inbound!("t", "remote");
    expect(published).toEqual([["t", "local"]]);
    expect(a.got).toEqual(["local", "remote"]);
  });
});

describe("definitions", () => {
  it("explain their mistakes", () => {
    expect(() => defineChannel({} as never)).toThrow(/join\(topic, payload, socket\)` is required/);
    expect(() => defineChannel({ join: () => ok(), intercept: ["x"] })).toThrow(/needs a handleOut/);
    const channel = defineChannel({ join: () => ok() });
    expect(() => defineSocket({ channels: { "room:*:x": channel } })).toThrow(/may only end with \*/);
    expect(() => defineSocket({ channels: { "room:*": {} as never } })).toThrow(/made with defineChannel/);
  });
});

describe("endpoint PubSub for app code", () => {
  it("subscribe/unsubscribe/broadcast/localBroadcast", async () => {
    const { defineEndpoint, Broadcast: B } = await import("fawkes");
    const endpoint = defineEndpoint({ router: { match: () => null, dispatch: [] } });
    const got: unknown[] = [];
    const listener = (m: unknown, topic: string) => got.push([topic, m instanceof B ? [m.event, m.payload] : m]);
    const off = endpoint.subscribe("news", listener);
    endpoint.subscribe("news", listener); // once per listener and topic
    endpoint.broadcast("news", "headline", { a: 1 });
    endpoint.pubsub.broadcast("news", "raw message");
    off();
    endpoint.localBroadcast("news", "after", {});
    endpoint.subscribe("other", listener);
    endpoint.unsubscribe("other", listener);
    endpoint.broadcast("other", "x", {});
    expect(got).toEqual([["news", ["headline", { a: 1 }]], ["news", "raw message"]]);
  });
});
