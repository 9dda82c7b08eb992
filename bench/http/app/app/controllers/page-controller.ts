import { text, type Conn } from "fawkes";
import { TEXT } from "../../../data.mjs";

/** GET / */
export const index = (conn: Conn) => text(conn, TEXT);
