import { Duration } from 'cdk8s';
// What a HorizontalAutoscaler emits, and only that (`only` picks the construct inside the service).
import { HorizontalAutoscaler, WebService } from '../../../lib';
import { synthComponent } from '../../../lib/testing';

test('HorizontalAutoscaler', () => {
  const output = synthComponent(
    (platform) => {
      const api = new WebService(platform, 'api', { image: 'ghcr.io/acme/api:1.4.2', metricsPath: false });
      new HorizontalAutoscaler(api, 'hpa', {
        target: api,
        maxReplicas: 5,
        cpuUtilization: 70,
        memoryUtilization: 80,
        behavior: { scaleDown: { stabilizationWindow: Duration.minutes(2), percent: 50, period: Duration.minutes(1) } },
      });
    },
    { only: 'api/hpa' },
  );
  expect(output).toMatchSnapshot();
});
