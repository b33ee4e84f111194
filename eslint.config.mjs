import nextCoreWebVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

const config = [
  ...nextCoreWebVitals,
  ...nextTypescript,
  { ignores: [".next/**", ".next-*/**", "node_modules/**", "test-results/**", "playwright-report/**", "next-env.d.ts", ".package/**", "examples/*/.next/**", "examples/*/next-env.d.ts", "examples/*/test-results/**", "scripts/bench/bare-next/.next*/**"] },
  // The library's functions stay short enough to read at once (issue 23).
  { files: ["lib/**/*.ts", "lib/**/*.tsx"], rules: { "max-lines-per-function": ["error", { max: 60, skipBlankLines: true, skipComments: true }] } },
];

export default config;
