import { describe, expect, it } from "vitest";
import { app, buildApp } from "./support/app.js";

describe("buildApp", () => {
  it("builds and loads a router", async () => {
    const a = await buildApp(app(["UserController"], `  r.resources("/users", UserController);`));
    expect(a.errors).toEqual([]);
    expect(a.match("GET", "/users/42")?.params).toEqual({ id: "42" });
    expect((a.Routes.userPath as (...x: unknown[]) => string)("show", 42)).toBe("/users/42");
  });
});
