// Vite turns each *.module.css into an object of scoped class names.
declare module '*.module.css' {
  const classes: Readonly<Record<string, string>>;
  export default classes;
}
