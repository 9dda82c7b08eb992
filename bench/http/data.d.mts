// Types for data.mjs, so the Fawkes bench app's TypeScript controllers and templates are typed.
export declare const TEXT: string;
export declare function userJson(id: unknown): { id: number; name: string; email: string };
export interface PostAssigns {
  title: string;
  user: { id: string; name: string };
  post: { id: string; title: string; published: string; tags: readonly string[]; paragraphs: readonly string[] };
}
export declare function postAssigns(userId: string, postId: string): PostAssigns;

export declare const PAGE_PATH: string;
export declare const PAGE_FLASH: string;
export interface PageItem {
  id: string;
  name: string;
  description: string;
  price: string;
  inStock: boolean;
  tags: readonly string[];
}
export interface NavLink {
  href: string;
  label: string;
}
export interface PageUser {
  name: string;
  email: string;
}
export declare const PAGE_ITEMS: readonly PageItem[];
export declare const PAGE_NAV: readonly NavLink[];
export declare const PAGE_USER: PageUser;
export interface Visit {
  visits: number;
  lastVisit: string | null;
}
export declare function visit(session: { visits?: unknown; lastVisit?: unknown }, now?: Date): Visit & { next: { visits: number; lastVisit: string } };
export interface PageAssigns extends Visit {
  title: string;
  user: PageUser;
  nav: readonly NavLink[];
  current: string;
  items: readonly PageItem[];
}
export declare function pageAssigns(visit: Visit): PageAssigns;
