// README's ChannelTest snippet, kept compiling by tsc (the suite's `tsc --noEmit`).
import { defineEndpoint } from "fawkes";
import { assertBroadcast, assertReply, close, push, socket, subscribeAndJoin } from "fawkes/testing";
import { UserSocket } from "../../fixtures/demo/app/channels/user-socket.js";

export async function readmeChannelTest(): Promise<unknown> {
  const endpoint = defineEndpoint({ router: { match: () => null, dispatch: [] }, config: { secretKeyBase: "x".repeat(64) } });
  const s = socket(UserSocket, "users_socket:alice", { name: "alice" }, { endpoint });
  const { reply, channel } = await subscribeAndJoin(s, "room:lobby");
  await assertReply(push(channel, "ping", { n: 1 }), "ok", { n: 1 });
  push(channel, "new_msg", { body: "hi" });
  await assertBroadcast(channel, "new_msg", { name: "alice", body: "hi" });
  await close(s);
  return reply;
}
