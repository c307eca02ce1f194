// The playground's templates: the docs' example requests (generated into
// pkg/docs-examples.mjs by scripts/build-playground.mjs from tests/vectors/) plus the
// variants the docs describe in their tables but do not print as a whole body: one
// send_message per message type, edits, a reply and a forward, and the typing and reaction
// hooks (SPEC §2). The variants reuse the ids and people of the docs' step-by-step example.
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
};

/** Display order of groups inside an endpoint's template list. */
export const GROUPS = ["docs", "types", "outgoing", "edit", "import", "hooks", "more"];
