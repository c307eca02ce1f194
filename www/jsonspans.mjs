// Small JSON helpers for the editor: where each value sits in the text (to highlight the
// spot a JSON Pointer names), a formatter that keeps every token as typed, and line/column
// conversions. No dependencies; also imported by the Node tests.

/**
 * Parses JSON text and returns the source span of every value:
 * { start, end, members?: Map<key, { keyStart, keyEnd, value }>, items?: node[], multiline? }.
 * Throws a SyntaxError (with `offset`) on text that is not JSON.
 */
export function jsonSpans(text) {
  let i = 0;
  const fail = (what) => {
    const e = new SyntaxError(`${what} at offset ${i}`);
    e.offset = i;
    throw e;
  };
  const ws = () => {
    while (i < text.length && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r")) {
      i++;
    }
  };
  const str = () => {
    const start = i;
    i++;
    while (text[i] !== '"') {
      if (i >= text.length || text[i] === "\n") {
        fail("unterminated string");
      }
      i += text[i] === "\\" ? 2 : 1;
    }
    i++;
    return JSON.parse(text.slice(start, i));
  };
  const value = (depth) => {
    if (depth > 512) {
      fail("too deep");
    }
    ws();
    const node = { start: i, end: i };
    const c = text[i];
    if (c === "{") {
      i++;
      node.members = new Map();
      ws();
      if (text[i] === "}") {
        i++;
      } else {
        for (;;) {
          ws();
          if (text[i] !== '"') {
            fail("expected a key");
          }
          const keyStart = i;
          const key = str();
          const keyEnd = i;
          ws();
          if (text[i] !== ":") {
            fail("expected `:`");
          }
          i++;
          const member = { keyStart, keyEnd, value: value(depth + 1) };
          if (!node.members.has(key)) {
            node.members.set(key, member);
          }
          ws();
          if (text[i] === ",") {
            i++;
          } else if (text[i] === "}") {
            i++;
            break;
          } else {
            fail("expected `,` or `}`");
          }
        }
      }
    } else if (c === "[") {
      i++;
      node.items = [];
      ws();
      if (text[i] === "]") {
        i++;
      } else {
        for (;;) {
          node.items.push(value(depth + 1));
          ws();
          if (text[i] === ",") {
            i++;
          } else if (text[i] === "]") {
            i++;
            break;
          } else {
            fail("expected `,` or `]`");
          }
        }
      }
    } else if (c === '"') {
      str();
    } else {
      const m = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 512));
      if (!m) {
        fail("unexpected character");
      }
      i += m[0].length;
    }
    node.end = i;
    if (node.members || node.items) {
      node.multiline = text.indexOf("\n", node.start) > -1 && text.indexOf("\n", node.start) < i;
    }
    return node;
  };
  const top = value(0);
  ws();
  if (i !== text.length) {
    fail("trailing characters");
  }
  return top;
}

/** The reference tokens of a JSON Pointer ("" → []). */
export function pointerTokens(pointer) {
  if (pointer === "" || pointer === undefined || pointer === null) {
    return [];
  }
  return pointer
    .split("/")
    .slice(1)
    .map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/**
 * The text range a JSON Pointer names in a jsonSpans() tree: { start, end, missing }.
 * An existing member spans its key and value (only its key and opening bracket when the
 * value is an object or array over several lines); an array item its value; the root the
 * whole text. When the pointer names something absent (a missing required field), the
 * range is the nearest existing ancestor's key and opening bracket, and `missing` is true.
 */
export function locate(tree, pointer) {
  let node = tree;
  let member = null;
  for (const token of pointerTokens(pointer)) {
    let next = null;
    if (node.members && node.members.has(token)) {
      member = node.members.get(token);
      next = member.value;
    } else if (node.items && /^(0|[1-9]\d*)$/.test(token) && Number(token) < node.items.length) {
      member = null;
      next = node.items[Number(token)];
    }
    if (next === null) {
      const start = member ? member.keyStart : node.start;
      const end = node.members || node.items ? node.start + 1 : node.end;
      return { start, end: Math.max(end, start + 1), missing: true };
    }
    node = next;
  }
  if (member && node.multiline) {
    // A multi-line object or array: its key and opening bracket, not the whole block.
    return { start: member.keyStart, end: node.start + 1, missing: false };
  }
  return { start: member ? member.keyStart : node.start, end: node.end, missing: false };
}


/** 1-based line and column (in UTF-16 code units) of an offset. */
export function lineColumn(text, offset) {
  let line = 1;
  let lineStart = 0;
  for (let k = 0; k < offset && k < text.length; k++) {
    if (text[k] === "\n") {
      line++;
      lineStart = k + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * The offset of a 1-based line and column as a parser reports them. `column` counts UTF-8
 * bytes from the start of the line (serde_json's convention), so it is mapped back to the
 * characters of that line.
 */
export function offsetOf(text, line, column) {
  let start = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf("\n", start);
    if (nl < 0) {
      return text.length;
    }
    start = nl + 1;
  }
  let end = text.indexOf("\n", start);
  if (end < 0) {
    end = text.length;
  }
  let bytes = 0;
  let k = start;
  const target = Math.max(column - 1, 0);
  while (k < end && bytes < target) {
    const cp = text.codePointAt(k);
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    k += cp >= 0x10000 ? 2 : 1;
  }
  return Math.min(k, text.length);
}

/**
 * Re-indents JSON text, keeping every token (numbers such as `1.0`, string escapes such as
 * `\/` or `\u0412`) exactly as typed. Throws a SyntaxError on text that is not JSON.
 */
export function prettyJson(text, indent = "  ") {
  jsonSpans(text);
  let out = "";
  let depth = 0;
  let i = 0;
  const nl = () => `\n${indent.repeat(depth)}`;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      const start = i;
      i++;
      while (text[i] !== '"') {
        i += text[i] === "\\" ? 2 : 1;
      }
      i++;
      out += text.slice(start, i);
      continue;
    }
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      i++;
      continue;
    }
    if (c === "{" || c === "[") {
      let j = i + 1;
      while (j < text.length && " \t\n\r".includes(text[j])) {
        j++;
      }
      const close = c === "{" ? "}" : "]";
      if (text[j] === close) {
        out += c + close;
        i = j + 1;
        continue;
      }
      depth++;
      out += c + nl();
    } else if (c === "}" || c === "]") {
      depth--;
      out += nl() + c;
    } else if (c === ",") {
      out += `,${nl()}`;
    } else if (c === ":") {
      out += ": ";
    } else {
      out += c;
    }
    i++;
  }
  return out;
}
