// The Conn lives in runtime/plug/ (Plug.Conn, below both the router and http); http's modules
// import it from here.
export * from "../plug/conn.js";
