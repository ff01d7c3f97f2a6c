/** A connector's SVG logo, as an image (an SVG in an <img> runs no script). Decorative beside its name. */
export function ConnectorLogo({ svg, size = 32 }: { svg: string; size?: number }) {
  return (
    <img
      className="connector-logo"
      src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`}
      width={size}
      height={size}
      alt=""
    />
  );
}
