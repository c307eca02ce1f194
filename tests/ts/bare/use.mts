import { contentMd5 } from "amojo-kit"; contentMd5("x");
