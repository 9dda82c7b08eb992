// Components at run time: what a generated component function needs to render its slots. A
// component (a template declaring `@component`, compiler/templates/components.ts) is called
// directly from the calling template's code, `c.link({ href }, () => { %>Show<% })` compiled to
// `c_link(capture, { href }, () => {...})`: the slot is a closure of the *caller* that writes
// template text into the caller's output, so only the caller's `capture` can turn it into a
// string. The caller hands its capture over as the first argument; `renderSlot` runs a slot
// with it.

/**
 * A slot: template text (a closure whose body is template text, as `() => { %>Show<% }`,
 * called with the slot's argument, Phoenix's `:let`), or a string, which is text and escaped.
 * A function may also return a string: text, escaped, after what it wrote.
 *
 * @example
 * // app/templates/components/card.html.eta
 * // <%\/* @component { title: string; inner?: Slot } *\/%>
 * // <section><h2><%= it.title %></h2><%~ slot(inner) %></section>
 */
export type Slot<A = void> = string | ((arg: A) => unknown);

/** A caller's capture: runs `fn` (which writes to the caller's output) and returns what it wrote. */
export type Capture = (fn: () => void) => string;

/**
 * The slot's HTML: nothing for none, a string escaped, a closure's template text as written
 * (its values were escaped where the caller wrote `<%= %>`).
 */
export function renderSlot<A>(capture: Capture, escape: (value: unknown) => string, slot: Slot<A> | null | undefined, arg: A): string {
  if (slot === undefined || slot === null) return "";
  if (typeof slot === "string") return escape(slot);
  let returned: unknown;
  const written = capture(() => {
    returned = slot(arg);
  });
  return returned === undefined || returned === null ? written : written + escape(returned);
}

/**
 * The capture of a component rendered by name (`include`, `renderTemplate`) rather than called:
 * there is no calling template's output to capture from, so a closure slot gives only what it
 * returns (text, escaped); pass slots as strings there.
 */
export const noCapture: Capture = (fn) => {
  fn();
  return "";
};
