// Plugs as the router records them. A plug takes the conn and its options and returns the
// (possibly halted) conn, synchronously or not: a function, or a module plug (an object or a
// namespace with `call`, and optionally `init`), as Plug's two kinds.

import type { Assigned, AssignedOf, Conn } from "./conn.js";

export type { Conn };

/**
 * A function plug: takes the conn and its options, returns the (possibly halted) conn. `A` is
 * what it assigns, declared for the types (not checked at run time): the typed conn of every
 * action whose routes go through a pipeline that plugs it has `conn.assigns` with those keys,
 * and render does not ask for them (actions.gen.ts).
 * @example export const fetchCurrentUser: Plug<void, { currentUser: User | null }> = (conn) => assign(conn, "currentUser", find(conn));
 */
export type Plug<O = unknown, A extends object = {}> = (conn: Conn, options: O) => Assigned<A> | Promise<Assigned<A>>;

/**
 * A module plug, as Plug's behaviour: `init` (optional) turns the options as declared into what
 * `call` receives; the endpoint runs it once, at startup, per place the plug is declared.
 *
 * @example
 * // app/plugs/require-role.ts, declared with p.plug(RequireRole, { role: "admin" })
 * export const init = (opts: { role: string }) => new Set([opts.role, "owner"]);
 * export const call = (conn: Conn, roles: Set<string>) => (roles.has(String(conn.assigns.role)) ? conn : halt(text(conn, "forbidden\n")));
 */
export interface ModulePlug<O = unknown, I = O, A extends object = {}> {
  init?(options: O): I;
  call(conn: Conn, options: I): Assigned<A> | Promise<Assigned<A>>;
}

/** Anything the router can plug: a function plug or a module plug, whatever its options. */
export type PlugLike = Plug<never> | { init?(options: never): unknown; call(conn: Conn, options: never): Conn | Promise<Conn> };

/**
 * The options a plug is declared with: a function's second parameter, a module plug's `init`
 * parameter, or (without `init`) its `call`'s.
 * @example PlugOptions<typeof fetchSession> // SessionOptions
 */
export type PlugOptions<P> = P extends (conn: Conn, options: infer O) => unknown
  ? O
  : P extends { init(options: infer O): unknown }
    ? O
    : P extends { call(conn: Conn, options: infer O): unknown }
      ? O
      : never;

/**
 * What a plug says it assigns (`A` of `Plug<O, A>` and `ModulePlug<O, I, A>`, or its return
 * type's `Assigned<A>`), or `{}`: a plug that declares nothing. The generated actions.gen.ts
 * reads it from the plugs of each pipeline (`PlugAssigns<typeof fetchCurrentUser>`).
 */
export type PlugAssigns<P> = P extends (...args: never[]) => infer R
  ? AssignedOf<Awaited<R>>
  : P extends { call(...args: never[]): infer R }
    ? AssignedOf<Awaited<R>>
    : {};

/** A plug together with the options it was declared with. */
export interface PlugSpec {
  readonly plug: Plug<never> | { call: Plug<never> };
  readonly options: unknown;
}
