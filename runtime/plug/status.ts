// Status names, as Plug.Conn.Status knows them: `putStatus(conn, "not_found")` is 404. The names
// are Plug's atoms, made from the reason phrase the way Plug makes them (lower case, "'" dropped,
// anything else not a letter or digit → "_"), so code ported from Phoenix keeps its `:not_found`.
// `unprocessable_entity` stays an alias of 422 (its phrase is now "Unprocessable Content"), as
// in Plug.

import { describe } from "../_internal/values.js";

/** Plug.Conn.Status's names and their codes. */
export const STATUS_CODES = Object.freeze({
  continue: 100,
  switching_protocols: 101,
  processing: 102,
  early_hints: 103,
  ok: 200,
  created: 201,
  accepted: 202,
  non_authoritative_information: 203,
  no_content: 204,
  reset_content: 205,
  partial_content: 206,
  multi_status: 207,
  already_reported: 208,
  im_used: 226,
  multiple_choices: 300,
  moved_permanently: 301,
  found: 302,
  see_other: 303,
  not_modified: 304,
  use_proxy: 305,
  switch_proxy: 306,
  temporary_redirect: 307,
  permanent_redirect: 308,
  bad_request: 400,
  unauthorized: 401,
  payment_required: 402,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  not_acceptable: 406,
  proxy_authentication_required: 407,
  request_timeout: 408,
  conflict: 409,
  gone: 410,
  length_required: 411,
  precondition_failed: 412,
  request_entity_too_large: 413,
  request_uri_too_long: 414,
  unsupported_media_type: 415,
  requested_range_not_satisfiable: 416,
  expectation_failed: 417,
  im_a_teapot: 418,
  misdirected_request: 421,
  unprocessable_content: 422,
  unprocessable_entity: 422,
  locked: 423,
  failed_dependency: 424,
  too_early: 425,
  upgrade_required: 426,
  precondition_required: 428,
  too_many_requests: 429,
  request_header_fields_too_large: 431,
  unavailable_for_legal_reasons: 451,
  internal_server_error: 500,
  not_implemented: 501,
  bad_gateway: 502,
  service_unavailable: 503,
  gateway_timeout: 504,
  http_version_not_supported: 505,
  variant_also_negotiates: 506,
  insufficient_storage: 507,
  loop_detected: 508,
  not_extended: 510,
  network_authentication_required: 511,
} as const);

/** A status name Plug knows: `"not_found"`, `"created"`, `"unprocessable_entity"`... */
export type StatusName = keyof typeof STATUS_CODES;

/** A status as an integer (100-999) or as one of Plug's names. */
export type Status = number | StatusName;

/**
 * The integer for a status given by number or by name (Plug.Conn.Status.code/1). Throws a
 * RangeError for an unknown name or a number outside 100-999, naming `caller`.
 * @example statusCode("not_found") // 404
 */
export function statusCode(status: Status, caller = "statusCode"): number {
  if (typeof status === "string") {
    const code = Object.hasOwn(STATUS_CODES, status) ? STATUS_CODES[status as StatusName] : undefined;
    if (code === undefined) throw new RangeError(`${caller}: unknown status ${JSON.stringify(status)}${suggest(status)}; use a number or one of Plug's names ("ok", "created", "not_found", ...)`);
    return code;
  }
  if (!Number.isInteger(status) || status < 100 || status > 999) {
    throw new RangeError(`${caller}: expected an HTTP status, an integer from 100 to 999 or a status name, got: ${describe(status)}`);
  }
  return status;
}

/** ` (did you mean "not_found"?)` for a name one typo away from a known one. */
function suggest(name: string): string {
  const wanted = name.toLowerCase().replace(/[^a-z0-9]+/g, "_");
  if (Object.hasOwn(STATUS_CODES, wanted)) return ` (did you mean ${JSON.stringify(wanted)}?)`;
  return "";
}
