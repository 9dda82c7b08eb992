// Plugs as the router records them. A plug takes the conn and its options and returns the
// (possibly halted) conn, synchronously or not; a module plug is anything with `call`.

import type { Conn } from "../http/conn.js";

export type { Conn };

/** A plug: takes the conn and its options, returns the (possibly halted) conn. */
export type Plug<O = unknown> = (conn: Conn, options: O) => Conn | Promise<Conn>;

/** A plug together with the options it was declared with. */
export interface PlugSpec {
  readonly plug: Plug<never> | { call: Plug<never> };
  readonly options: unknown;
}
