// The one kind of message PubSub knows by shape: `Phoenix.Socket.Broadcast`. Channels write it
// to their clients themselves (the fastlane), and adapters carry it between nodes as data, so
// it is rebuilt as a Broadcast on the other side.

/**
 * A broadcast on a topic, as `Endpoint.broadcast` sends it. Subscribed channels write it
 * to their clients without running user code (the fastlane) unless the event is intercepted.
 */
export class Broadcast {
  constructor(
    readonly topic: string,
    readonly event: string,
    readonly payload: unknown,
  ) {}
}
