// Plugs as the router sees them. The HTTP runtime gives `Conn` its full shape; the router only
// records plugs and hands them to the generated dispatch table.

/** The connection a plug transforms. The HTTP runtime extends this interface. */
export interface Conn {
  halted: boolean;
  assigns: Record<string, unknown>;
}

/** A plug: takes the conn and its options, returns the (possibly halted) conn. */
export type Plug<O = unknown> = (conn: Conn, options: O) => Conn | Promise<Conn>;

/** A plug together with the options it was declared with. */
export interface PlugSpec {
  readonly plug: Plug<never> | { call: Plug<never> };
  readonly options: unknown;
}
