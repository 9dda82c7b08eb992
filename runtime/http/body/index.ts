// Request bodies, query strings and negotiation, over Node's IncomingMessage. Re-exports only.

export { BadRequest, HttpError, isHttpError, PayloadTooLarge, UnsupportedMediaType, writeHttpError } from "./errors.js";
export { accepts, methodOverride } from "./negotiate.js";
export { DEFAULT_BODY_LIMIT, mediaType, parseBody, readBody } from "./parse.js";
export type { MultipartOptions, ParseBodyOptions, ParsedBody, Upload } from "./parse.js";
export { parseQuery } from "./query.js";
export type { ParsedParams, ParsedValue, QueryOptions } from "./query.js";
