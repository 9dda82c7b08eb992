import { render, type Conn } from "fawkes";
import { postAssigns } from "../../../data.mjs";

/** GET /users/:id/posts/:post_id: post/show.html inside layouts/app.html inside layouts/root.html. */
export const show = (conn: Conn) => render(conn, "show.html", postAssigns(conn.params.id as string, conn.params.post_id as string));
