// The Phoenix channel wire format as realtime-js speaks it (node_modules/@supabase/realtime-js
// src/lib/serializer.ts and @supabase/phoenix): vsn 1.0.0 sends JSON objects
// {join_ref, ref, topic, event, payload}; vsn 2.0.0 sends JSON arrays
// [join_ref, ref, topic, event, payload] and a client broadcast whose payload names an event as a
// binary "user broadcast push" frame (kind 3). The server answers in the client's version; its
// broadcasts go out as JSON text, which both versions' decoders read, except a binary payload,
// which goes to vsn 2.0.0 clients as a binary "user broadcast" frame (kind 4).

export type Vsn = "1.0.0" | "2.0.0";
export const VERSIONS: readonly Vsn[] = ["1.0.0", "2.0.0"];

export interface Frame {
  join_ref: string | null;
  ref: string | null;
  topic: string;
  event: string;
  payload: unknown;
}

export class FrameError extends Error {}

const KIND_USER_BROADCAST_PUSH = 3;
const KIND_USER_BROADCAST = 4;
const BINARY_ENCODING = 0;
const JSON_ENCODING = 1;

export function decodeFrame(vsn: Vsn, data: Buffer, isBinary: boolean): Frame {
  if (isBinary) {
    if (vsn !== "2.0.0") throw new FrameError("binary frames need vsn 2.0.0");
    return decodeUserBroadcastPush(data);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(data.toString("utf8"));
  } catch {
    throw new FrameError("a text frame must be JSON");
  }
  if (vsn === "2.0.0") {
    if (!Array.isArray(parsed) || parsed.length !== 5) {
      throw new FrameError("vsn 2.0.0 frames are [join_ref, ref, topic, event, payload]");
    }
    const [joinRef, ref, topic, event, payload] = parsed as unknown[];
    return frame(joinRef, ref, topic, event, payload);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new FrameError("vsn 1.0.0 frames are {join_ref, ref, topic, event, payload}");
  }
  const object = parsed as Record<string, unknown>;
  return frame(object.join_ref, object.ref, object.topic, object.event, object.payload);
}

function frame(
  joinRef: unknown,
  ref: unknown,
  topic: unknown,
  event: unknown,
  payload: unknown,
): Frame {
  if (typeof topic !== "string" || typeof event !== "string") {
    throw new FrameError("topic and event must be strings");
  }
  return {
    join_ref: typeof joinRef === "string" ? joinRef : null,
    ref: typeof ref === "string" ? ref : null,
    topic,
    event,
    payload: payload ?? {},
  };
}

/**
 * Kind 3: [kind, join_ref length, ref length, topic length, event length, metadata length,
 * payload encoding, join_ref, ref, topic, user event, metadata, payload]. It stands for the
 * message event "broadcast" with payload {type: "broadcast", event, payload}.
 */
function decodeUserBroadcastPush(data: Buffer): Frame {
  if (data.length < 7 || data[0] !== KIND_USER_BROADCAST_PUSH) {
    throw new FrameError("unknown binary frame (only kind 3, user broadcast push, is read)");
  }
  const lengths = [data[1], data[2], data[3], data[4], data[5]] as number[];
  const encoding = data[6];
  let offset = 7;
  const [joinRef, ref, topic, userEvent, metadata] = lengths.map((length) => {
    const text = data.subarray(offset, offset + length).toString("utf8");
    offset += length;
    return text;
  }) as [string, string, string, string, string];
  if (offset > data.length) throw new FrameError("binary frame shorter than its header says");
  let payload: unknown;
  if (encoding === BINARY_ENCODING) {
    payload = Buffer.from(data.subarray(offset));
  } else if (encoding === JSON_ENCODING) {
    try {
      payload = JSON.parse(data.subarray(offset).toString("utf8"));
    } catch {
      throw new FrameError("the broadcast payload is not JSON");
    }
  } else {
    throw new FrameError(`unknown payload encoding ${encoding}`);
  }
  const message: Record<string, unknown> = { type: "broadcast", event: userEvent, payload };
  if (metadata) message.meta = JSON.parse(metadata) as unknown;
  return {
    join_ref: joinRef || null,
    ref: ref || null,
    topic,
    event: "broadcast",
    payload: message,
  };
}

/**
 * Kind 4, a user broadcast to a vsn 2.0.0 client whose payload is binary: [kind, topic length,
 * event length, metadata length, payload encoding, topic, user event, metadata, payload]. A vsn
 * 1.0.0 client cannot receive one (as with Realtime).
 */
export function encodeBinaryBroadcast(topic: string, event: string, payload: Buffer): Buffer {
  const topicBytes = Buffer.from(topic);
  const eventBytes = Buffer.from(event);
  if (topicBytes.length > 255 || eventBytes.length > 255) {
    throw new FrameError("topic and event must be at most 255 bytes");
  }
  const header = Buffer.from([
    KIND_USER_BROADCAST,
    topicBytes.length,
    eventBytes.length,
    0,
    BINARY_ENCODING,
  ]);
  return Buffer.concat([header, topicBytes, eventBytes, payload]);
}

export function encodeFrame(vsn: Vsn, message: Frame): string {
  if (vsn === "2.0.0") {
    return JSON.stringify([
      message.join_ref,
      message.ref,
      message.topic,
      message.event,
      message.payload,
    ]);
  }
  return JSON.stringify(message);
}
