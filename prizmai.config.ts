import { defineConfig } from 'prizmai';

// Every key is optional; see README.md "Configuration" for each key, its default and its override.
export default defineConfig({});
