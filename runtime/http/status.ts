// Status names live in runtime/plug/ with the Conn (Plug.Conn.Status); http's modules import them from here.
export * from "../plug/status.js";
