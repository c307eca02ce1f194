import amojo = require("amojo-kit");
const s = amojo.signRequest({ secret: "s", method: "POST", path: "/x" });
const x: string = s.canonical;
amojo.webhookMiddleware({ secrets: ["a"], limit: 10 });
const schemaId: string = amojo.schema("connect").$id;
const indexed: string | null = amojo.schemaIndex().schemas.history.path;
