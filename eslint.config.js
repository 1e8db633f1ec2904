// Lint is part of `npm test`: type-aware rules catch the mistakes that matter in a parser
// (floating promises, unsafe any flowing out of JSON.parse) without style bikeshedding.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "coverage/**", "**/*.d.ts", "bench/out/**", ".cache/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "error",
      "no-eval": "error",
      "no-implied-eval": "error",
      "no-new-func": "error",
      "eqeqeq": ["error", "smart"],
    },
  },
  {
    files: ["**/*.test.ts", "bench/**"],
    rules: { "@typescript-eslint/no-non-null-assertion": "off" },
  },
);
