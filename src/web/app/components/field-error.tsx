/** The API's (or the form's) message for one control; referenced by the control's aria-describedby. */
export function FieldError({ id, message }: { id: string; message: string | undefined }) {
  return (
    <p id={id} className="field-error" role={message ? 'alert' : undefined} hidden={!message}>
      {message}
    </p>
  );
}
