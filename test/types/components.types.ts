// Type tests for components, checked by `tsc --noEmit` (npm test): a component's generated
// function takes exactly its declared props, so a wrong or missing prop, an unknown prop, a second
// argument to a component without `inner` and a slot argument used wrongly are errors. In a
// template the same call (`c.card({...})`) is checked at the template's line by `fawkes check`
// (test/components.test.ts); here the functions are called as the templates' code calls them.
// Nothing here runs.

import { noCapture, type Capture } from "fawkes";
import { c_card, c_rows } from "../../fixtures/templates/components/expected/templates.gen.js";
import { c_button, c_form, c_input, c_link, c_table } from "../../fixtures/demo/.fawkes/templates.gen.js";

const capture: Capture = noCapture;
const users = [{ id: 1, name: "Ada", email: "ada@example.com" }];

export const rendered: string[] = [
  c_card(capture, { title: "t" }),
  c_card(capture, { title: "t", tone: "error", footer: "f" }, () => {}),
  c_rows(capture, { rows: users, col: [{ label: "Name", inner: (u) => u.name.length }] }),
  c_link(capture, { href: "/users/1", method: "delete" }, "Delete"),
  c_button(capture, { variant: "primary", type: "submit" }, "Save"),
  c_form(capture, { action: "/users", method: "put" }, () => {}),
  c_input(capture, { name: "user[role]", type: "select", options: ["a", ["B", "b"]] }),
  c_table(capture, { id: "users", rows: users, col: [{ label: "Email", inner: (u) => u.email }] }),

  // @ts-expect-error: title is a string
  c_card(capture, { title: 42 }),
  // @ts-expect-error: title is missing
  c_card(capture, { tone: "info" }),
  // @ts-expect-error: "warn" is not a tone
  c_card(capture, { title: "t", tone: "warn" }),
  // @ts-expect-error: no such prop
  c_card(capture, { title: "t", titel: "x" }),
  // @ts-expect-error: a row has no nmae
  c_rows(capture, { rows: users, col: [{ label: "Name", inner: (u) => u.nmae }] }),
  // @ts-expect-error: rows must have an id (Row extends { id: number })
  c_rows(capture, { rows: [{ name: "x" }], col: [] }),
  // @ts-expect-error: c.input has no inner slot: no second argument
  c_input(capture, { name: "x" }, "inner"),
  // @ts-expect-error: not an input type
  c_input(capture, { name: "x", type: "radio" }),
  // @ts-expect-error: not a method
  c_form(capture, { action: "/x", method: "options" }),
  // @ts-expect-error: the table needs its id
  c_table(capture, { rows: users, col: [] }),
];
