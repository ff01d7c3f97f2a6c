import type { EndpointOut } from '../api/openapi-types.ts';
import { CustomHeadersForm } from '../components/custom-headers-form.tsx';
import { RateLimitForm } from '../components/rate-limit-form.tsx';
import { TransformationSection } from '../components/transformation-section.tsx';

export function EndpointAdvanced({
  appId,
  endpoint,
  onChange,
}: {
  appId: string;
  endpoint: EndpointOut;
  onChange: () => void;
}) {
  return (
    <div className="advanced">
      <TransformationSection appId={appId} endpoint={endpoint} />
      <div className="two-columns">
        <RateLimitForm appId={appId} endpoint={endpoint} onSaved={onChange} />
        <CustomHeadersForm appId={appId} endpointId={endpoint.id} />
      </div>
    </div>
  );
}
