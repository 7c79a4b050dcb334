export function BackButton({
  label,
  testId,
  onBack,
}: {
  label: string;
  testId: string;
  onBack: () => void;
}) {
  return (
    <button type="button" className="back-button" data-testid={testId} onClick={onBack}>
      <span aria-hidden="true">←</span> {label}
    </button>
  );
}
