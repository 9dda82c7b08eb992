// Types for data.mjs, so the Fawkes bench app's TypeScript controllers and templates are typed.
export declare const TEXT: string;
export declare function userJson(id: unknown): { id: number; name: string; email: string };
export interface PostAssigns {
  title: string;
  user: { id: string; name: string };
  post: { id: string; title: string; published: string; tags: readonly string[]; paragraphs: readonly string[] };
}
export declare function postAssigns(userId: string, postId: string): PostAssigns;
