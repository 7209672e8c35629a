import { defineConfig } from 'wxmp';

// wxmp's config for this repo's sample posts. Every key is optional; see the README's "Config" section.
export default defineConfig({
  include: ['posts/**/*.md'],
  theme: 'default',
  author: 'wxmp',
  render: {
    links: 'references',
    cjkSpacing: true,
  },
});
