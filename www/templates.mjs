// The playground's templates: the docs' example bodies of both revisions, hooks and
// responses included (generated into pkg/docs-examples.mjs by scripts/build-playground.mjs
// from tests/vectors/), plus the variants the docs describe in their tables but do not print
// as a whole body: one send_message per message type, edits, a reply and a forward, a shared
// post, the typing and reaction hooks (SPEC §2). The variants reuse the ids and people of the
// docs' step-by-step example.
import docsExamples from "./pkg/docs-examples.mjs";

const SENDER = {
  id: "my_int-1376265f-86df-4c49-a0c3-a4816df41af8",
  avatar: "https://example.com/users/avatar.png",
  profile: { phone: "+79151112233", email: "example.client@example.com" },
  profile_link: "https://example.com/profile/example.client",
  name: "Вася клиент",
};

const SCOPE_PATH = "/v2/origin/custom/344a5002-f8ca-454d-af3d-396180102ac7_52e591f7-c98f-4255-8495-827210138c81";

/** An incoming new_message (client → amoCRM) carrying `message`. */
function incoming(n, message) {
  return {
    event_type: "new_message",
    payload: {
      timestamp: 1639660529 + n,
      msec_timestamp: 1639660529379 + n * 1000,
      msgid: `my_int-5f2836a8ca4${90 + n}`,
      conversation_id: "my_int-d5a421f7f218",
      sender: SENDER,
      message,
      silent: false,
    },
  };
}

const TABLE = "chat-api-reference.md, \"Отправка, редактирование или импорт сообщения\", table of `message`";

// [id, endpoint, group, label en, label ru, source, body]
const VARIANTS = [
  ["send_message/picture", "send_message", "types", "picture", "картинка (picture)", TABLE,
    incoming(1, { type: "picture", text: "Фото товара", media: "https://example.com/files/photo.jpg", file_name: "photo.jpg", file_size: 102400 })],
  ["send_message/file", "send_message", "types", "file", "файл (file)", TABLE,
    incoming(2, { type: "file", text: "", media: "https://example.com/files/price-list.pdf", file_name: "price-list.pdf", file_size: 524288 })],
  ["send_message/video", "send_message", "types", "video", "видео (video)", TABLE,
    incoming(3, { type: "video", text: "", media: "https://example.com/files/review.mp4", file_name: "review.mp4", file_size: 10485760 })],
  ["send_message/voice", "send_message", "types", "voice", "голосовое (voice)", TABLE,
    incoming(4, { type: "voice", media: "https://example.com/files/voice.ogg" })],
  ["send_message/audio", "send_message", "types", "audio", "аудио (audio)", TABLE,
    incoming(5, { type: "audio", media: "https://example.com/files/track.mp3" })],
  ["send_message/sticker", "send_message", "types", "sticker", "стикер (sticker)", TABLE,
    incoming(6, { type: "sticker", media: "https://example.com/files/sticker.webp", sticker_id: "sticker-42" })],
  ["send_message/location", "send_message", "types", "location", "геопозиция (location)", `${TABLE}, message.location`,
    incoming(7, { type: "location", text: "", location: { lon: 37.617635, lat: 55.755814 } })],
  ["send_message/contact", "send_message", "types", "contact", "контакт (contact)", `${TABLE}, message.contact`,
    incoming(8, { type: "contact", text: "", contact: { name: "Иван Петров", phone: "+79161234567" } })],
  ["send_message/reply", "send_message", "types", "text, replying to a message (reply_to)", "текст с цитатой (reply_to)", `${TABLE}, reply_to / embedded_message`,
    (() => {
      const b = incoming(9, { type: "text", text: "Да, этот" });
      b.payload.reply_to = { message: { msgid: "my_int-5f2836a8ca481" } };
      return b;
    })()],
  ["send_message/forward", "send_message", "types", "text, forwarding a message (forwards)", "пересылка (forwards)", `${TABLE}, forwards / embedded_message`,
    (() => {
      const b = incoming(10, { type: "text", text: "Пересылаю" });
      b.payload.forwards = {
        messages: [{
          type: "text",
          text: "Сообщение из другого чата",
          timestamp: 1639660000,
          msec_timestamp: 1639660000123,
          sender: { name: "Петя" },
        }],
        conversation_id: "my_int-a1b2c3d4e5f6",
      };
      return b;
    })()],
  ["send_message/edit_picture", "send_message", "edit", "edit a picture's caption (file unchanged)", "редактирование подписи к картинке (файл не меняется)", `${TABLE}: file fields optional on edit`,
    { event_type: "edit_message", payload: { msgid: "my_int-5f2836a8ca491", conversation_id: "my_int-d5a421f7f218", message: { type: "picture", text: "Фото товара, вид сбоку" } } }],
  ["send_message/edit_delivery_status", "send_message", "edit", "edit: delivery status by amoCRM id", "редактирование: статус доставки по id amoCRM", "chat-api-reference.md, payload.id and payload.delivery_status (edit_message only)",
    { event_type: "edit_message", payload: { id: "0371a0ff-b78a-4c7b-8538-a7d547e10692", conversation_id: "my_int-d5a421f7f218", message: { type: "text", text: "Сообщение от менеджера" }, delivery_status: { status_code: -1, error_code: 905, error: "The client blocked the bot" } } }],
  ["webhook_typing/typing", "webhook_typing", "hooks", "typing hook", "хук «печатает»", "SPEC §2, typing hook",
    { account_id: "52e591f7-c98f-4255-8495-827210138c81", time: 1639572261, action: { typing: { user: { id: "76fc2bea-902f-425c-9a3d-dcdac4766090" }, conversation: { id: "8e4d4baa-9e6c-4a88-838a-5f62be227bdc", client_id: "my_int-d5a421f7f218" }, expired_at: 1639572266 } } }],
  ["webhook_reaction/react", "webhook_reaction", "hooks", "reaction hook", "хук реакции", "SPEC §2, reaction hook",
    { account_id: "52e591f7-c98f-4255-8495-827210138c81", time: 1639572261, action: { reaction: { msgid: "my_int-5f2836a8ca481", user: { id: "76fc2bea-902f-425c-9a3d-dcdac4766090" }, conversation: { id: "8e4d4baa-9e6c-4a88-838a-5f62be227bdc", client_id: "my_int-d5a421f7f218" }, type: "react", emoji: "👍" } } }],
  ["webhook_reaction/unreact", "webhook_reaction", "hooks", "reaction removed (unreact)", "реакция снята (unreact)", "SPEC §2, reaction hook",
    { account_id: "52e591f7-c98f-4255-8495-827210138c81", time: 1639572262, action: { reaction: { message: { id: "0371a0ff-b78a-4c7b-8538-a7d547e10692", client_id: "my_int-5f2836a8ca481" }, user: { id: "76fc2bea-902f-425c-9a3d-dcdac4766090" }, conversation: { id: "8e4d4baa-9e6c-4a88-838a-5f62be227bdc", client_id: "my_int-d5a421f7f218" }, type: "unreact" } } }],
  ["history/first_page", "history", "more", "first page (limit 50)", "первая страница (limit 50)", "chat-api-reference.md, history: limit 1..50, offset ≥ 0",
    { limit: 50, offset: 0 }],
  ["send_message/shared_post", "send_message", "types", "text sharing a post (shared_post)", "текст с постом (shared_post)", `current/${TABLE}, message.shared_post`,
    incoming(11, { type: "text", text: "Посмотрите этот пост", shared_post: { url: "https://www.example.com/@example/post/7490", preview_permalink: "https://example.com/previews/7490.jpg", type: "post", site_name: "Example" } })],
  ["send_message/video_duration", "send_message", "types", "video with its length (media_duration)", "видео с длительностью (media_duration)", `current/${TABLE}: media_duration, seconds`,
    incoming(12, { type: "video", text: "", media: "https://example.com/files/review.mp4", file_name: "review.mp4", file_size: 10485760, media_duration: 42 })],
  ["send_message/edit_delivery_status_current", "send_message", "edit", "edit: delivery status in message (current docs)", "редактирование: статус доставки в message (текущая документация)", "current/chat-api-reference.md, message.delivery_status (edit_message only)",
    { event_type: "edit_message", payload: { msgid: "my_int-5f2836a8ca477", conversation_id: "my_int-d5a421f7f218", message: { type: "text", text: "Сообщение от менеджера", delivery_status: { status_code: 2 } } } }],
  ["send_message/incoming_by_ref", "send_message", "types", "client's answer to «Написать первым» (conversation_ref_id)", "ответ клиента на «Написать первым» (conversation_ref_id)", "current/chat-api-reference.md, payload.conversation_ref_id; SPEC §5.6",
    (() => {
      const b = incoming(13, { type: "text", text: "Здравствуйте!" });
      b.payload.conversation_ref_id = "8e4d4baa-9e6c-4a88-838a-5f62be227bdc";
      return b;
    })()],
  ["react/by_conversation_ref_id", "react", "more", "reaction by amoCRM's chat and message ids (conversation_ref_id, id)", "реакция по ID чата и сообщения в amoCRM (conversation_ref_id, id)", "current/chat-api-reference.md, react: conversation_ref_id «Необязательно, если передан conversation_id»",
    { conversation_ref_id: "8e4d4baa-9e6c-4a88-838a-5f62be227bdc", id: "0371a0ff-b78a-4c7b-8538-a7d547e10692", user: { ref_id: "76fc2bea-902f-425c-9a3d-dcdac4766090" }, type: "react", emoji: "👍" }],
  ["typing/duration", "typing", "more", "typing for 10 s (duration_ms)", "печатает 10 с (duration_ms)", "current/chat-api-reference.md, typing: duration_ms, default 5000",
    { conversation_id: "my_int-d5a421f7f218", duration_ms: 10000, sender: { id: "my_int-1376265f-86df-4c49-a0c3-a4816df41af8" } }],
  ["delivery_status/delivered", "delivery_status", "more", "delivered (status_code 1)", "доставлено (status_code 1)", "current/chat-api-reference.md, delivery status: status_code; error_code and error only with -1",
    { status_code: 1 }],
];

// Labels of the docs' examples, by id.
const DOCS_LABELS = {
  "api-reference/connect": ["reference example", "пример из справочника"],
  "api-reference/disconnect": ["reference example", "пример из справочника"],
  "api-reference/create_chat": ["reference example", "пример из справочника"],
  "api-reference/send_message/incoming": ["text, incoming from a client", "текст, входящее от клиента"],
  "api-reference/send_message/outgoing_manager": ["outgoing from a manager (receiver + sender.ref_id)", "исходящее от менеджера (receiver + sender.ref_id)"],
  "api-reference/send_message/outgoing_bot": ["outgoing from the channel's bot", "исходящее от бота канала"],
  "api-reference/send_message/edit_text": ["edit a text message", "редактирование текста"],
  "api-reference/delivery_status": ["reference example (error 905)", "пример из справочника (ошибка 905)"],
  "api-reference/typing": ["reference example", "пример из справочника"],
  "api-reference/react": ["reference example", "пример из справочника"],
  "step-by-step/connect": ["step by step (signed in the docs)", "пошагово (подписан в документации)"],
  "step-by-step/send_message": ["text, step by step (signed in the docs)", "текст, пошагово (подписан в документации)"],
  "step-by-step/delivery_status": ["step by step (signed in the docs)", "пошагово (подписан в документации)"],
  "step-by-step/disconnect": ["step by step (signed in the docs)", "пошагово (подписан в документации)"],
  "step-by-step/send_message_source": ["text with a source (source.external_id)", "текст с источником (source.external_id)"],
  "step-by-step/create_chat": ["step by step (signed in the docs)", "пошагово (подписан в документации)"],
  "step-by-step/typing": ["step by step (signed in the docs)", "пошагово (подписан в документации)"],
  "step-by-step/webhook_message": ["message hook v2 (docs)", "хук сообщения v2 (документация)"],
  "import/create_chat": ["import example", "пример импорта"],
  "import/send_message_client": ["import: a client's message", "импорт: сообщение клиента"],
  "import/send_message_manager": ["import: a manager's message", "импорт: сообщение менеджера"],
  "import/history": ["import example (signed in the docs)", "пример импорта (подписан в документации)"],
  "current/connect": ["current docs (is_time_window_disabled)", "текущая документация (is_time_window_disabled)"],
  "current/delivery_status": ["current docs (status_code, error 905)", "текущая документация (status_code, ошибка 905)"],
  "current/comment_incoming": ["comment from a client (message.post)", "комментарий клиента (message.post)"],
  "current/comment_reply_manager": ["a manager's reply to a comment", "ответ менеджера на комментарий"],
  "webhooks/message": ["message hook v2 (webhooks page: markup, template)", "хук сообщения v2 (страница хуков: markup, template)"],
  "webhooks/list_message": ["message hook v2 with a List Message", "хук сообщения v2 с List Message"],
  "webhooks/typing": ["typing hook (webhooks page, post_id)", "хук «печатает» (страница хуков, post_id)"],
  "webhooks/reaction": ["reaction hook (webhooks page)", "хук реакции (страница хуков)"],
  "webhooks/comment_reply": ["a manager's reply to a comment (message.message.post)", "ответ менеджера на комментарий (message.message.post)"],
  "webhooks/message_v1": ["message hook v1 (deprecated)", "хук сообщения v1 (устаревший)"],
  "responses/connect": ["reference example", "пример из справочника"],
  "responses/create_chat": ["reference example", "пример из справочника"],
  "responses/send_message": ["reference example (current fields)", "пример из справочника (текущие поля)"],
  "responses/comment": ["answer to a comment", "ответ на отправку комментария"],
  "responses/history": ["reference example", "пример из справочника"],
  "step-by-step/connect_response": ["step by step", "пошагово"],
  "step-by-step/send_message_response": ["step by step (older fields: msgid, ref_id)", "пошагово (прежние поля: msgid, ref_id)"],
  "step-by-step/create_chat_response": ["step by step (profile nested)", "пошагово (profile вложен)"],
};

function docsGroup(id) {
  if (id.startsWith("import/")) {
    return "import";
  }
  if (/outgoing|edit/.test(id)) {
    return /edit/.test(id) ? "edit" : "outgoing";
  }
  return "docs";
}

/** Every template: { id, endpoint, group, label: { en, ru }, source, note?, body, path?, docs? }. */
export const templates = [
  ...docsExamples.map((e) => ({
    id: e.id,
    endpoint: e.endpoint,
    group: docsGroup(e.id),
    label: { en: (DOCS_LABELS[e.id] || [e.id])[0], ru: (DOCS_LABELS[e.id] || [e.id, e.id])[1] },
    source: e.source,
    note: e.note,
    body: e.body,
    path: e.path,
    docs: e.docs,
  })),
  ...VARIANTS.map(([id, endpoint, group, en, ru, source, body]) => ({
    id,
    endpoint,
    group,
    label: { en, ru },
    source,
    body,
    path: endpoint === "send_message" ? SCOPE_PATH : undefined,
  })),
];

/** The template picked first for an endpoint. */
export const DEFAULT_TEMPLATE = {
  connect: "step-by-step/connect",
  disconnect: "step-by-step/disconnect",
  create_chat: "step-by-step/create_chat",
  send_message: "step-by-step/send_message",
  delivery_status: "step-by-step/delivery_status",
  history: "import/history",
  typing: "step-by-step/typing",
  react: "api-reference/react",
  webhook_message: "step-by-step/webhook_message",
  webhook_typing: "webhook_typing/typing",
  webhook_reaction: "webhook_reaction/react",
  webhook_message_v1: "webhooks/message_v1",
  connect_response: "responses/connect",
  create_chat_response: "responses/create_chat",
  send_message_response: "responses/send_message",
  history_response: "responses/history",
};

/** Display order of groups inside an endpoint's template list. */
export const GROUPS = ["docs", "types", "outgoing", "edit", "import", "hooks", "more"];
