import amojo = require("amojo-kit");
const s = amojo.signRequest({ secret: "s", method: "POST", path: "/x" });
const x: string = s.canonical;
amojo.webhookMiddleware({ secrets: ["a"], limit: 10 });
