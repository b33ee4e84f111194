// The same page one segment down, at /library's depth: every route segment costs Next its own
// router part and metadata step, so this is the floor for our /library, and / the floor for our /.
export { default } from "../page.jsx";
