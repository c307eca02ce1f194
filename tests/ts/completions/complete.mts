// Completions inside a payload offer the endpoint's fields (no Uint8Array members, no other
// endpoint's fields): each `/*name: field, …*/` marker lists exactly the names offered there
// (tests/js/types.test.mjs).
// Not compiled on its own: the payloads are unfinished, as while typing.
import { validate, validateRequest, buildRequest } from "amojo-kit";
declare const scopeId: string;
declare const anyPath: string;
validate("connect", { /*connect: account_id, hook_api_version, is_time_window_disabled, title*/ });
validate("send_message", { event_type: "new_message", payload: { message: { type: "location", /*location: callback_data, contact, file_name, file_size, location, media, media_duration, post, shared_post, sticker_id, text*/ } } });
buildRequest({ secret: "s", path: `/v2/origin/custom/${scopeId}/chats`, payload: { /*create_chat: conversation_id, source, user*/ } });
buildRequest({ secret: "s", endpoint: "typing", path: anyPath, payload: { /*typing: conversation_id, duration_ms, sender*/ } });
validateRequest({ method: "POST", path: `/v2/origin/custom/${scopeId}/react`, body: { /*react: conversation_id, conversation_ref_id, emoji, id, msgid, type, user*/ } });
