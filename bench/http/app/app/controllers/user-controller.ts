import { json, type Conn } from "fawkes";
import { userJson } from "../../../data.mjs";

/** GET /users/:id */
export const show = (conn: Conn) => json(conn, userJson(conn.params.id));
