import { useState, type ComponentProps } from "react";
import { TextField } from "./TextField";

type NumberFieldProps = Omit<ComponentProps<typeof TextField>, "value" | "onChange" | "type"> & {
  value: number | null;
  /** The number typed, or null while the field is empty or holds no number yet. */
  onChange: (value: number | null) => void;
};

/**
 * A text field for a number that keeps exactly what is typed ("2." on the way to "2.5"), and
 * reports the number it reads. A value changed from outside (a reset) replaces the text.
 */
export function NumberField({ value, onChange, ...field }: NumberFieldProps) {
  const [text, setText] = useState(value?.toString() ?? "");
  if (parse(text) !== value) setText(value?.toString() ?? "");
  return (
    <TextField
      {...field}
      value={text}
      onChange={(typed) => {
        setText(typed);
        onChange(parse(typed));
      }}
    />
  );
}

function parse(text: string): number | null {
  const number = Number(text.trim());
  return text.trim() === "" || !Number.isFinite(number) ? null : number;
}
